using LayerProbe.Networks;
using LayerProbe.Reports;
using LayerProbe.Training;

namespace LayerProbe.Studies;

/// <summary>What <see cref="ShortPretrainingDetection.Run"/> measured and wrote.</summary>
/// <param name="Grid">Detection mAP per layer of the fine-tuned early snapshot (column 0) and fine-tuned final network (column 1).</param>
/// <param name="Table">Layers × (early + FT, final + FT, Δ) as written to <c>short-pretraining-detection.*</c>.</param>
/// <param name="PerClass">Per-class AP of both, in the shape of the paper's Table 5 (<c>short-pretraining-detection-per-class.*</c>).</param>
/// <param name="Files">Written files, relative to the report folder.</param>
/// <param name="Tuned">The fine-tuned early and final networks.</param>
public sealed record ShortPretrainingDetectionResult(DetectionGrid Grid, ResultTable Table, ResultTable PerClass, IReadOnlyList<string> Files,
    IReadOnlyList<OnnxNetwork> Tuned);

/// <summary>
/// Paper Table 5 on detection (E7, "50-50"): an early snapshot and the final network fine-tuned with one
/// <see cref="FineTuneRecipe"/> — on region items R-CNN's window fine-tuning (<see cref="FineTuneRecipeRequest.WindowsOf"/>)
/// — then used for R-CNN detection layer by layer on the same region items (<see cref="NetworkDetections"/>).
/// </summary>
public static class ShortPretrainingDetection
{
    /// <summary>Fine-tunes both starts (<c>{report}/ft-from-iter-N.onnx</c>), detects with them and writes <c>short-pretraining-detection*.*</c>.</summary>
    public static ShortPretrainingDetectionResult Run(Snapshot early, Snapshot final, FineTuneRecipe recipe, FineTuningMode mode,
        IReadOnlyList<string> layers, DetectionStudyTask task, string report, string taskName)
    {
        var (tuned, _) = ShortPretrainingStudy.FineTuneBoth(early, final, recipe, mode, layers, () => { }, report);
        return Compare(early.Iteration, final.Iteration, tuned[0], tuned[1], layers, task, report, taskName);
    }

    /// <summary>Detects with an early and a final start already fine-tuned with the same recipe and writes the tables.</summary>
    public static ShortPretrainingDetectionResult Compare(int earlyIteration, int finalIteration, OnnxNetwork earlyTuned, OnnxNetwork finalTuned,
        IReadOnlyList<string> layers, DetectionStudyTask task, string report, string taskName)
    {
        string earlyName = $"iter {earlyIteration} + FT", finalName = $"iter {finalIteration} + FT";
        var (grid, detectionFiles) = NetworkDetections.Run([(earlyName, $"ft-from-iter-{earlyIteration}", earlyTuned), (finalName, $"ft-from-iter-{finalIteration}", finalTuned)],
            layers, task, report);
        var files = detectionFiles.ToList();
        const string delta = "Δ (early − final)";
        var table = new ResultTable($"{taskName}: detection mAP (%) per layer after fine-tuning from iteration {earlyIteration} vs {finalIteration}", "layer",
            [earlyName, finalName, delta]);
        for (int l = 0; l < layers.Count; l++)
            table.Add(layers[l], [grid.Map(l, 0), grid.Map(l, 1), grid.Map(l, 0) - grid.Map(l, 1)]);
        var perClass = grid.PerClass($"{taskName}: detection AP (%) per class after fine-tuning from iteration {earlyIteration} and {finalIteration} (paper Table 5's rows)",
            (layer, c) => $"{layer} ({grid.Columns[c]})", [0, 1]);
        var beside = PaperComparison.Beside($"{taskName}: detection mAP after short and full pre-training beside the paper's Table 5", table,
            PaperAnchors.Table5AsTable(), [(earlyName, "50K + FT"), (finalName, "310K + FT"), (delta, "Δ")]);
        var fullRows = PaperAnchors.Table3.Where(r => r.Feature is "l5-ft" or "l7-ft").Select(r => (r.Feature.Replace("-ft", " (310K + FT)"), r.ClassAp, r.MeanAp));
        var paperPerClass = PaperDetectionTables.PerClass("Paper (draft Table 5 per class; the 310K rows are Table 3's l5-ft and l7-ft): VOC 2007 test detection AP (%)",
            [.. PaperAnchors.Table5PerClass, .. fullRows], task.Test.Classes);
        foreach (var (t, stem) in new[] { (table, "short-pretraining-detection"), (perClass, "short-pretraining-detection-per-class"),
                     (beside, "short-pretraining-detection-vs-paper"), (PaperAnchors.Table5AsTable(), "paper-table5"), (paperPerClass, "paper-table5-per-class") })
            files.AddRange(TableWriters.WriteAll(t, report, stem));
        return new ShortPretrainingDetectionResult(grid, table, perClass, files, [earlyTuned, finalTuned]);
    }
}
