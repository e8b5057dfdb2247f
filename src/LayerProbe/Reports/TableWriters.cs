using System.Globalization;
using System.Text;
using System.Text.Json;

namespace LayerProbe.Reports;

/// <summary>Writes a <see cref="ResultTable"/> as Markdown, HTML, CSV or JSON (each file atomically); Markdown and HTML
/// print the same cell texts (<see cref="ResultTable.Cell"/>) and the same notes.</summary>
public static class TableWriters
{
    /// <summary>Markdown pipe table with the title as a bold caption.</summary>
    public static string Markdown(ResultTable table)
    {
        var sb = new StringBuilder();
        sb.AppendLine($"**{table.Title}**").AppendLine();
        sb.AppendLine($"| {table.RowHeader} | {string.Join(" | ", table.Columns)} |");
        sb.AppendLine($"|---|{string.Concat(table.Columns.Select(_ => "---:|"))}");
        for (int r = 0; r < table.Rows.Count; r++)
            sb.AppendLine($"| {table.Rows[r].Label} | {string.Join(" | ", table.Columns.Select((_, c) => table.Cell(r, c)))} |");
        if (table.Notes.Count > 0) sb.AppendLine();
        foreach (var note in table.Notes) sb.AppendLine($"*{note}*").AppendLine();
        return sb.ToString();
    }

    /// <summary>
    /// An HTML <c>figure</c> holding the table: the title as its caption (element <paramref name="id"/>, which labels
    /// the table), a header row, one row per label (row header cells), numeric cells right-aligned with tabular figures,
    /// missing cells marked for screen readers, notes below. The caption sits above the table at the page's width, not
    /// squeezed to a narrow table's.
    /// </summary>
    public static string Html(ResultTable table, string id)
    {
        var sb = new StringBuilder();
        sb.AppendLine("<figure class=\"table\">");
        sb.AppendLine($"<figcaption id=\"{id}\">{HtmlText.Inline(table.Title)}</figcaption>");
        sb.AppendLine($"<div class=\"scroll\" tabindex=\"0\" role=\"region\" aria-labelledby=\"{id}\">");
        sb.AppendLine($"<table aria-labelledby=\"{id}\">");
        sb.Append("<thead><tr><th scope=\"col\">").Append(HtmlText.Escape(table.RowHeader)).Append("</th>");
        foreach (var column in table.Columns) sb.Append("<th scope=\"col\" class=\"num\">").Append(HtmlText.Escape(column)).Append("</th>");
        sb.AppendLine("</tr></thead>");
        sb.AppendLine("<tbody>");
        for (int r = 0; r < table.Rows.Count; r++)
        {
            sb.Append("<tr><th scope=\"row\">").Append(HtmlText.Escape(table.Rows[r].Label)).Append("</th>");
            for (int c = 0; c < table.Columns.Count; c++)
                sb.Append(table.Rows[r].Values[c] is null
                    ? "<td class=\"num missing\"><span aria-label=\"missing\">–</span></td>"
                    : $"<td class=\"num\">{table.Cell(r, c)}</td>");
            sb.AppendLine("</tr>");
        }
        sb.AppendLine("</tbody>");
        sb.AppendLine("</table>");
        sb.AppendLine("</div>");
        foreach (var note in table.Notes) sb.AppendLine($"<p class=\"note\">{HtmlText.Inline(note)}</p>");
        sb.AppendLine("</figure>");
        return sb.ToString();
    }

    /// <summary>CSV (RFC 4180 quoting), full precision, empty cells for missing values.</summary>
    public static string Csv(ResultTable table)
    {
        var sb = new StringBuilder();
        sb.AppendLine(string.Join(",", new[] { table.RowHeader }.Concat(table.Columns).Select(Quote)));
        foreach (var (label, values) in table.Rows)
            sb.AppendLine(string.Join(",", new[] { Quote(label) }.Concat(values.Select(v =>
                v is null ? "" : double.IsNaN(v.Value) ? "NaN" : v.Value.ToString("R", CultureInfo.InvariantCulture)))));
        return sb.ToString();
    }

    /// <summary>JSON: { title, rowHeader, columns, rows: [{ label, values }], notes, format } with null for missing
    /// cells and the string "NaN" for NaN ones (JSON has no NaN); <see cref="ReadJson"/> reads it back.</summary>
    public static string Json(ResultTable table) => JsonSerializer.Serialize(new
    {
        title = table.Title,
        rowHeader = table.RowHeader,
        columns = table.Columns,
        rows = table.Rows.Select(r => new { label = r.Label, values = r.Values.Select(v => v is null ? null : double.IsNaN(v.Value) ? "NaN" : (object)v.Value) }),
        notes = table.Notes,
        format = table.Format,
    }, new JsonSerializerOptions { WriteIndented = true });

    /// <summary>Reads a table written by <see cref="Json"/> (e.g. to put an analysis's table into a report page).</summary>
    public static ResultTable ReadJson(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        var root = document.RootElement;
        string[] columns = [.. root.GetProperty("columns").EnumerateArray().Select(c => c.GetString()!)];
        var table = new ResultTable(root.GetProperty("title").GetString()!, root.GetProperty("rowHeader").GetString()!, columns)
        {
            Format = root.TryGetProperty("format", out var format) ? format.GetString()! : "F1",
        };
        foreach (var row in root.GetProperty("rows").EnumerateArray())
            table.Add(row.GetProperty("label").GetString()!,
                row.GetProperty("values").EnumerateArray().Select(v => v.ValueKind switch
                {
                    JsonValueKind.Null => (double?)null,
                    JsonValueKind.String => double.NaN,
                    _ => v.GetDouble(),
                }));
        if (root.TryGetProperty("notes", out var notes))
            foreach (var note in notes.EnumerateArray()) table.Note(note.GetString()!);
        return table;
    }

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
