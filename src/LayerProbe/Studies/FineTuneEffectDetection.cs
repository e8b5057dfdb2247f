using LayerProbe.Networks;
using LayerProbe.Reports;

namespace LayerProbe.Studies;

/// <summary>What <see cref="FineTuneEffectDetection.Run"/> measured and wrote.</summary>
/// <param name="Grid">Detection mAP per layer for pretrained, fc-only FT and full FT (columns in that order).</param>
/// <param name="Table">Layers × (variants, Δ fc-only, Δ full) as written to <c>finetune-effect-detection.*</c>.</param>
/// <param name="PerClass">Per-class AP in the shape of the paper's Table 3 (<c>finetune-effect-detection-per-class.*</c>).</param>
/// <param name="Files">Written files, relative to the report folder.</param>
public sealed record FineTuneEffectDetectionResult(DetectionGrid Grid, ResultTable Table, ResultTable PerClass, IReadOnlyList<string> Files)
{
    /// <summary>Change of <paramref name="layer"/>'s detection mAP from the pretrained network to column <paramref name="column"/> (1: fc-only, 2: full).</summary>
    public double Delta(int layer, int column) => Grid.Map(layer, column) - Grid.Map(layer, 0);
}

/// <summary>
/// Paper Tables 1 (DET column) and 3: the pre-trained network and its fc-only and all-layers fine-tuned versions used
/// for R-CNN detection layer by layer on the same region items (<see cref="NetworkDetections"/>); the tables give each
/// network's detection mAP with the change per layer, and the per-class AP with Table 3's rows (<c>l5, l5-ft, l5-fc-ft,
/// …</c>, here named after the layers as given). The paper's Table 1 DET column and Table 3 are written beside.
/// </summary>
public static class FineTuneEffectDetection
{
    /// <summary>Each network's report sub-folder, in <see cref="FineTuneEffectStudy.Variants"/> order.</summary>
    public static readonly string[] Folders = ["pretrained", "fc-only-ft", "full-ft"];

    /// <summary>Table 3's row suffix of each network (alex-net: none, FC-FT: <c>-fc-ft</c>, FT: <c>-ft</c>).</summary>
    static readonly string[] Suffixes = ["", "-fc-ft", "-ft"];

    /// <summary>Detects with the three networks and writes <c>finetune-effect-detection*.*</c> and the paper's tables into <paramref name="report"/>.</summary>
    public static FineTuneEffectDetectionResult Run(OnnxNetwork pretrained, OnnxNetwork fcOnly, OnnxNetwork full, IReadOnlyList<string> layers,
        DetectionStudyTask task, string report, string taskName)
    {
        FineTuneEffectStudy.Check(pretrained, fcOnly, full);
        var variants = FineTuneEffectStudy.Variants;
        var (grid, detectionFiles) = NetworkDetections.Run([(variants[0], Folders[0], pretrained), (variants[1], Folders[1], fcOnly), (variants[2], Folders[2], full)],
            layers, task, report);
        var files = detectionFiles.ToList();
        var table = new ResultTable($"{taskName}: detection mAP (%) per layer before and after fine-tuning (R-CNN detectors)", "layer",
            [.. variants, "Δ fc-only", "Δ full"]);
        for (int l = 0; l < layers.Count; l++)
            table.Add(layers[l], [grid.Map(l, 0), grid.Map(l, 1), grid.Map(l, 2), grid.Map(l, 1) - grid.Map(l, 0), grid.Map(l, 2) - grid.Map(l, 0)]);
        table.Note($"Per network: AP per class and layer, PR curves and pictures in {string.Join(", ", Folders.Select(f => f + "/"))}.");
        // Table 3's order per layer: alex-net, FT, FC-FT
        var perClass = grid.PerClass($"{taskName}: detection AP (%) per class (paper Table 3's rows: LAYER = pretrained, LAYER-ft = full FT, LAYER-fc-ft = fc-only FT)",
            (layer, c) => layer + Suffixes[c], [0, 2, 1]);
        var paperTable1 = PaperDetectionTables.Table1Detection();
        var beside = PaperComparison.Beside($"{taskName}: detection mAP and its change per layer beside the paper's Table 1 (DET)", table, paperTable1,
            [("pretrained", "pretrained"), ("Δ fc-only", "Δ fc-only"), ("Δ full", "Δ full")]);
        var paperTable3 = PaperDetectionTables.PerClass("Paper (draft Table 3): VOC 2007 test detection AP (%) per class of l5, l6, l7 for alex-net, FT and FC-FT",
            PaperAnchors.Table3, task.Test.Classes);
        foreach (var (t, stem) in new[] { (table, "finetune-effect-detection"), (perClass, "finetune-effect-detection-per-class"),
                     (beside, "finetune-effect-detection-vs-paper"), (paperTable1, "paper-table1-det"), (paperTable3, "paper-table3") })
            files.AddRange(TableWriters.WriteAll(t, report, stem));
        return new FineTuneEffectDetectionResult(grid, table, perClass, files);
    }
}
