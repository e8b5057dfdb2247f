using System.Globalization;
using System.Text;
using System.Text.Json;

namespace LayerProbe.Reports;

/// <summary>Writes a <see cref="ResultTable"/> as Markdown, CSV or JSON (each file atomically).</summary>
public static class TableWriters
{
    /// <summary>Markdown pipe table with the title as a bold caption.</summary>
    public static string Markdown(ResultTable table)
    {
        var sb = new StringBuilder();
        sb.AppendLine($"**{table.Title}**").AppendLine();
        sb.AppendLine($"| {table.RowHeader} | {string.Join(" | ", table.Columns)} |");
        sb.AppendLine($"|---|{string.Concat(table.Columns.Select(_ => "---:|"))}");
        foreach (var (label, values) in table.Rows)
            sb.AppendLine($"| {label} | {string.Join(" | ", values.Select(table.Cell))} |");
        if (table.Notes.Count > 0) sb.AppendLine();
        foreach (var note in table.Notes) sb.AppendLine($"Note: {note}");
        return sb.ToString();
    }

    /// <summary>CSV (RFC 4180 quoting), full precision, empty cells for missing values, <c>NaN</c> for NaN ones.</summary>
    public static string Csv(ResultTable table)
    {
        var sb = new StringBuilder();
        sb.AppendLine(string.Join(",", new[] { table.RowHeader }.Concat(table.Columns).Select(Quote)));
        foreach (var (label, values) in table.Rows)
            sb.AppendLine(string.Join(",", new[] { Quote(label) }.Concat(values.Select(v =>
                v is null ? "" : double.IsNaN(v.Value) ? "NaN" : v.Value.ToString("R", CultureInfo.InvariantCulture)))));
        return sb.ToString();
    }

    /// <summary>
    /// JSON: { title, rowHeader, columns, rows: [{ label, values }], notes } with null for missing cells and the string
    /// "NaN" for NaN ones (JSON has no NaN).
    /// </summary>
    public static string Json(ResultTable table) => JsonSerializer.Serialize(new
    {
        title = table.Title,
        rowHeader = table.RowHeader,
        columns = table.Columns,
        rows = table.Rows.Select(r => new { label = r.Label, values = r.Values.Select(v => v is null ? null : double.IsNaN(v.Value) ? "NaN" : (object)v.Value) }),
        notes = table.Notes,
    }, new JsonSerializerOptions { WriteIndented = true });

    /// <summary>
    /// Writes <c>{stem}.md</c>, <c>{stem}.csv</c> and <c>{stem}.json</c> in <paramref name="directory"/>; returns those
    /// file names (relative to the directory), for manifests and file lists.
    /// </summary>
    public static IReadOnlyList<string> WriteAll(ResultTable table, string directory, string stem)
    {
        string[] files = [stem + ".md", stem + ".csv", stem + ".json"];
        AtomicFile.WriteText(Path.Combine(directory, files[0]), Markdown(table));
        AtomicFile.WriteText(Path.Combine(directory, files[1]), Csv(table));
        AtomicFile.WriteText(Path.Combine(directory, files[2]), Json(table));
        return files;
    }

    static string Quote(string s) => s.IndexOfAny([',', '"', '\n']) >= 0 ? $"\"{s.Replace("\"", "\"\"")}\"" : s;
}
