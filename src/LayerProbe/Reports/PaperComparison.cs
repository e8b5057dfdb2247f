namespace LayerProbe.Reports;

/// <summary>
/// Our numbers beside the paper's, layer by layer, with the difference (ours − paper). Layers are matched by name;
/// where the paper's table has no row of that name, by the paper's "layer i" reading (docs/method.md §1.2: its tables write
/// conv-3/conv-4 for relu3/relu4 and fc6/fc7 for layers 6/7). The paper measured CaffeNet on PASCAL VOC 2007: on other
/// networks or data the difference says how far the trend is from the paper's, not an error.
/// </summary>
public static class PaperComparison
{
    /// <summary>The paper's row names that stand for one of our layers when no row has its exact name.</summary>
    static readonly Dictionary<string, string[]> PaperNames = new()
    {
        ["relu3"] = ["conv3"], ["relu4"] = ["conv4"], ["relu6"] = ["fc6"], ["relu7"] = ["fc7"],
    };

    /// <summary>
    /// One row per layer of <paramref name="ours"/> that the paper's table has; for each column pair (our column, the
    /// paper's column) three columns: ours, paper, Δ. Layers without a paper row are named in a note.
    /// </summary>
    public static ResultTable Beside(string title, ResultTable ours, ResultTable paper, IReadOnlyList<(string Ours, string Paper)> columns)
    {
        var ourIndex = columns.Select(c => Index(ours, c.Ours)).ToArray();
        var paperIndex = columns.Select(c => Index(paper, c.Paper)).ToArray();
        var headers = columns.SelectMany(c => columns.Count == 1 ? new[] { "ours", "paper", "Δ" } : [$"{c.Ours} ours", $"{c.Paper} paper", "Δ"]).ToList();
        var table = new ResultTable(title, ours.RowHeader, headers) { Format = ours.Format };
        var unmatched = new List<string>();
        foreach (var (label, values) in ours.Rows)
        {
            var paperRow = PaperRow(paper, label);
            if (paperRow is null) { unmatched.Add(label); continue; }
            table.Add(paperRow.Value.Label == label ? label : $"{label} (paper: {paperRow.Value.Label})", columns.SelectMany((_, i) =>
            {
                double? o = values[ourIndex[i]], p = paperRow.Value.Values[paperIndex[i]];
                return new[] { o, p, o is null || p is null ? null : o - p };
            }));
        }
        table.Note($"{paper.Title}.");
        if (unmatched.Count > 0)
            table.Note($"No layer of that name in the paper's table, so not compared: {string.Join(", ", unmatched)}.");
        return table;
    }

    static (string Label, double?[] Values)? PaperRow(ResultTable paper, string layer)
    {
        foreach (var name in new[] { layer }.Concat(PaperNames.GetValueOrDefault(layer) ?? []))
            foreach (var row in paper.Rows)
                if (row.Label == name) return row;
        return null;
    }

    static int Index(ResultTable table, string column)
    {
        int i = table.Columns.ToList().IndexOf(column);
        return i >= 0 ? i : throw new ArgumentException($"table '{table.Title}' has no column '{column}'");
    }
}
