using LayerProbe.Probes;

namespace LayerProbe.Analyses;

/// <summary>A small feature matrix held column by column (e.g. 256 sp-max filters × a few thousand boxes), for
/// analyses that score or select individual dimensions.</summary>
internal sealed class ColumnMatrix
{
    readonly float[][] _columns;

    ColumnMatrix(float[][] columns, int count) => (_columns, Count) = (columns, count);

    public int Count { get; }
    public int Dimensions => _columns.Length;
    public ReadOnlySpan<float> Column(int j) => _columns[j];

    /// <summary>Reads every row once.</summary>
    public static ColumnMatrix From(IFeatureRows rows)
    {
        var cols = Enumerable.Range(0, rows.Dimensions).Select(_ => new float[rows.Count]).ToArray();
        for (int i = 0; i < rows.Count; i++)
        {
            var r = rows.Row(i);
            for (int j = 0; j < cols.Length; j++) cols[j][i] = r[j];
        }
        return new ColumnMatrix(cols, rows.Count);
    }

    /// <summary>Rows restricted to the given columns, as a dense row-major matrix.</summary>
    public DenseFeatureRows Select(ReadOnlySpan<int> columns)
    {
        int k = columns.Length;
        var data = new float[(long)Count * k];
        for (int c = 0; c < k; c++)
        {
            var col = _columns[columns[c]];
            for (int i = 0; i < Count; i++) data[(long)i * k + c] = col[i];
        }
        return new DenseFeatureRows(data, Count, k);
    }
}
