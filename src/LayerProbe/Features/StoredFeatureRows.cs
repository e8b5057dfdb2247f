using LayerProbe.Probes;

namespace LayerProbe.Features;

/// <summary>
/// A feature store's matrix as <see cref="IFeatureRows"/> for the probes: float32 rows are the memory-mapped file
/// itself (no copy); float16 rows are converted into a per-thread ring of <see cref="IFeatureRows.LiveRows"/>
/// buffers, so concurrent solvers can hold a block of rows as the interface promises.
/// </summary>
public sealed class StoredFeatureRows : IFeatureRows
{
    readonly FeatureMatrix _matrix;
    readonly ThreadLocal<(float[][] Buffers, int Next)> _ring;

    /// <summary>Wraps an open matrix (the caller keeps ownership).</summary>
    public StoredFeatureRows(FeatureMatrix matrix)
    {
        if (matrix.RowCount > int.MaxValue) throw LayerProbeException.For(matrix.Path, "more rows than a probe can index");
        _matrix = matrix;
        _ring = new ThreadLocal<(float[][], int)>(() =>
            (Enumerable.Range(0, IFeatureRows.LiveRows).Select(_ => new float[matrix.Cols]).ToArray(), 0));
    }

    /// <inheritdoc />
    public int Count => (int)_matrix.RowCount;
    /// <inheritdoc />
    public int Dimensions => _matrix.Cols;
    /// <summary>Item ids, row order.</summary>
    public IReadOnlyList<string> Ids => _matrix.Ids;
    /// <summary>Per-item shape C×H×W (1×1 for fc layers).</summary>
    public (int Channels, int Height, int Width) Shape => (_matrix.Header.Channels, _matrix.Header.Height, _matrix.Header.Width);

    /// <inheritdoc />
    public ReadOnlySpan<float> Row(int i)
    {
        if (_matrix.Header.DType == FeatureDType.Float32) return _matrix.Row(i);
        var (buffers, next) = _ring.Value;
        var buffer = buffers[next];
        _ring.Value = (buffers, (next + 1) % buffers.Length);
        _matrix.CopyRow(i, buffer);
        return buffer;
    }
}
