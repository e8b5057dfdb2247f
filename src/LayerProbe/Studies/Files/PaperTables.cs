using LayerProbe.Reports;

namespace LayerProbe.Studies.Files;

/// <summary>
/// A table of the paper a step prints beside its own (<c>paper: table9</c>), with the columns compared: (our column,
/// the paper's column). The paper's numbers are <see cref="PaperAnchors"/>; the difference is ours − paper.
/// </summary>
sealed record PaperTable(string Name, Func<ResultTable> Table, IReadOnlyList<(string Ours, string Paper)> Columns)
{
    /// <summary>Tables a layer-wise step can stand beside: Table 9 (PASCAL-CLS per sub-layer), Table 2/8 (DET-GT, alex-net column).</summary>
    public static IReadOnlyDictionary<string, PaperTable?> Layerwise { get; } = new Dictionary<string, PaperTable?>
    {
        ["none"] = null,
        ["table9"] = new("table9", PaperAnchors.Table9AsTable, [("mAP", "mAP")]),
        ["table2"] = new("table2", PaperAnchors.Table2AsTable, [("mAP", "alex-net")]),
        ["table8"] = new("table8", PaperAnchors.Table8AsTable, [("mAP", "alex-net")]),
    };

    /// <summary>Tables a transforms step can stand beside: Table 7 (PASCAL-CLS), Table 8 (DET-GT, unrolled and sp-max).</summary>
    public static IReadOnlyDictionary<string, PaperTable?> Transforms { get; } = new Dictionary<string, PaperTable?>
    {
        ["none"] = null,
        ["table7"] = new("table7", PaperAnchors.Table7AsTable, [.. new[] { "unroll", "sp-shuffle", "sp-max", "binarize" }.Select(t => (t, t))]),
        ["table8"] = new("table8", PaperAnchors.Table8AsTable, [("unroll", "alex-net"), ("sp-max", "alex-net sp-max")]),
    };

    /// <summary>The file stem the paper's table is written under.</summary>
    public string Stem => $"paper-{Name}";

    /// <summary>Our table beside the paper's, only the columns both have.</summary>
    public ResultTable Beside(string title, ResultTable ours) =>
        PaperComparison.Beside(title, ours, Table(), [.. Columns.Where(c => ours.Columns.Contains(c.Ours))]);
}
