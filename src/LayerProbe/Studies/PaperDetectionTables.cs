using LayerProbe.Reports;

namespace LayerProbe.Studies;

/// <summary>
/// The paper's detection tables as the detection studies print them beside their own: Table 1's DET column with the
/// change per layer, and the per-class Tables 3 and 5 cut to the classes the study's data share with VOC 2007 (all 20 on
/// VOC; on other data, e.g. the Fashion-MNIST scenes, only the paper's mAP column, with a note saying so).
/// </summary>
public static class PaperDetectionTables
{
    /// <summary>Draft Table 1's DET rows (pool5, relu6, relu7): alex-net, FC-FT, FT and the changes (– where the draft gives no number).</summary>
    public static ResultTable Table1Detection() =>
        PaperAnchors.Table1.Where(r => r.Task == "DET").Aggregate(
            new ResultTable("Paper (draft Table 1, DET column): VOC 2007 test detection mAP (%) before and after fine-tuning", "layer",
                [.. FineTuneEffectStudy.Variants, "Δ fc-only", "Δ full"]),
            (t, r) => t.Add(r.Layer, [r.AlexNet, r.FcOnly, r.Full, r.FcOnly - r.AlexNet, r.Full - r.AlexNet]));

    /// <summary>
    /// Rows of a per-class table of the draft (<see cref="PaperAnchors.Table3"/>, <see cref="PaperAnchors.Table5PerClass"/>)
    /// with a column for each of <paramref name="classes"/> that the draft has (VOC 2007 names), then mAP.
    /// </summary>
    public static ResultTable PerClass(string title, IReadOnlyList<(string Feature, double[] ClassAp, double MeanAp)> rows, IReadOnlyList<string> classes)
    {
        var shared = classes.Where(PaperAnchors.DetectionClasses.Contains).ToList();
        var index = shared.Select(c => PaperAnchors.DetectionClasses.ToList().IndexOf(c)).ToList();
        var table = new ResultTable(title, "feature", [.. shared, "mAP"]) { Format = "F1" };
        foreach (var (feature, ap, mean) in rows)
            table.Add(feature, [.. index.Select(i => (double?)ap[i]), mean]);
        if (shared.Count == 0)
            table.Note($"Only the paper's mAP column: its per-class columns are VOC 2007 classes, and none of this data set's classes ({string.Join(", ", classes)}) is one of them.");
        else if (shared.Count < classes.Count)
            table.Note($"Classes the paper has no column for: {string.Join(", ", classes.Except(shared))}.");
        return table;
    }
}
