namespace LayerProbe.Reports;

/// <summary>
/// A table of numbers with row and column labels, e.g. layers × classes of AP with an mAP column, or layers ×
/// transforms of mAP. Missing cells are null (printed as "–", like the paper's dashes); NaN cells are values that are
/// NaN by definition (the devkit's AP of a class whose detections all hit difficult objects) and print as "NaN".
/// Values are stored as given; <see cref="Format"/> controls how many decimals writers print.
/// </summary>
public sealed class ResultTable(string title, string rowHeader, IReadOnlyList<string> columns)
{
    readonly List<(string Label, double?[] Values)> _rows = [];

    /// <summary>Caption.</summary>
    public string Title { get; } = title;
    /// <summary>Header of the label column (e.g. "layer").</summary>
    public string RowHeader { get; } = rowHeader;
    /// <summary>Column labels.</summary>
    public IReadOnlyList<string> Columns { get; } = columns;
    /// <summary>Rows in insertion order.</summary>
    public IReadOnlyList<(string Label, double?[] Values)> Rows => _rows;
    /// <summary>.NET numeric format used by the writers (default one decimal: AP in %).</summary>
    public string Format { get; init; } = "F1";
    /// <summary>Lines printed under the table (e.g. which classes a mean leaves out, and why).</summary>
    public List<string> Notes { get; } = [];

    /// <summary>Appends a row; its length must match <see cref="Columns"/>.</summary>
    public ResultTable Add(string label, IEnumerable<double?> values)
    {
        var row = values.ToArray();
        if (row.Length != Columns.Count) throw new ArgumentException($"row '{label}' has {row.Length} values for {Columns.Count} columns");
        _rows.Add((label, row));
        return this;
    }

    /// <summary>The cell text as the writers print it.</summary>
    public string Cell(double? value) =>
        value is null ? "–" : double.IsNaN(value.Value) ? "NaN" : value.Value.ToString(Format, System.Globalization.CultureInfo.InvariantCulture);
}
