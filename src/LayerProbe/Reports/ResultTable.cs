using System.Globalization;

namespace LayerProbe.Reports;

/// <summary>
/// A table of numbers with row and column labels, e.g. layers × classes of AP with an mAP column, or layers ×
/// transforms of mAP. Missing cells are null (printed as "–", like the paper's dashes); NaN cells are values that are
/// NaN by definition (the devkit's AP of a class whose detections all hit difficult objects) and print as "NaN".
/// Values are stored as given;
/// <see cref="Format"/> controls how many decimals writers print, and a column whose values are all whole numbers
/// (counts, filter indices, iterations) prints them as integers. <see cref="Notes"/> are footnotes the Markdown,
/// HTML and JSON writers carry with the table (e.g. classes left out of a mean).
/// </summary>
public sealed class ResultTable(string title, string rowHeader, IReadOnlyList<string> columns)
{
    readonly List<(string Label, double?[] Values)> _rows = [];
    readonly List<string> _notes = [];

    /// <summary>Caption.</summary>
    public string Title { get; } = title;
    /// <summary>Header of the label column (e.g. "layer").</summary>
    public string RowHeader { get; } = rowHeader;
    /// <summary>Column labels.</summary>
    public IReadOnlyList<string> Columns { get; } = columns;
    /// <summary>Rows in insertion order.</summary>
    public IReadOnlyList<(string Label, double?[] Values)> Rows => _rows;
    /// <summary>.NET numeric format used by the writers for columns that are not all whole numbers (default one
    /// decimal: AP in %).</summary>
    public string Format { get; init; } = "F1";
    /// <summary>Footnotes printed under the table (Markdown, HTML) and kept in its JSON, in order.</summary>
    public IReadOnlyList<string> Notes => _notes;

    /// <summary>Appends a row; its length must match <see cref="Columns"/>.</summary>
    public ResultTable Add(string label, IEnumerable<double?> values)
    {
        var row = values.ToArray();
        if (row.Length != Columns.Count) throw new ArgumentException($"row '{label}' has {row.Length} values for {Columns.Count} columns");
        _rows.Add((label, row));
        return this;
    }

    /// <summary>Appends a footnote (ignored when empty or already present).</summary>
    public ResultTable Note(string note)
    {
        if (!string.IsNullOrWhiteSpace(note) && !_notes.Contains(note)) _notes.Add(note);
        return this;
    }

    /// <summary>
    /// The text of cell (<paramref name="row"/>, <paramref name="column"/>) as every writer prints it: "–" when missing,
    /// an integer when every value of the column is a whole number, otherwise <see cref="Format"/>.
    /// </summary>
    public string Cell(int row, int column)
    {
        var value = _rows[row].Values[column];
        if (value is null) return "–";
        if (double.IsNaN(value.Value)) return "NaN";
        string format = IsWholeNumberColumn(column) ? "F0" : Format;
        return value!.Value.ToString(format, CultureInfo.InvariantCulture);
    }

    /// <summary>True when the column has a value and every value it has is a whole number (missing cells aside).</summary>
    public bool IsWholeNumberColumn(int column)
    {
        bool any = false;
        foreach (var (_, values) in _rows)
        {
            var v = values[column];
            if (v is null || double.IsNaN(v.Value)) continue;
            if (Math.Abs(v!.Value) >= 1e15 || v.Value != Math.Round(v.Value)) return false;
            any = true;
        }
        return any;
    }

}
