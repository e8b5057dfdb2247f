using LayerProbe.Networks;
using LayerProbe.Reports;
using LayerProbe.Training;

namespace LayerProbe.Studies;

/// <summary>What <see cref="ShortPretrainingStudy.Run"/> measured and wrote.</summary>
/// <param name="Grid">mAP per layer of the fine-tuned early snapshot (column 0) and fine-tuned final network (column 1).</param>
/// <param name="HeldOutTop1">Fine-tuning task top-1 of each fine-tuned network (null when no held-out data).</param>
/// <param name="Table">Layers × (early + FT, final + FT, Δ) as written to <c>short-pretraining.*</c>.</param>
/// <param name="Files">Written files, relative to the report folder.</param>
public sealed record ShortPretrainingResult(LayerGrid Grid, IReadOnlyList<double?> HeldOutTop1, ResultTable Table, IReadOnlyList<string> Files);

/// <summary>
/// Paper Table 5 (E7, "50-50"): an early snapshot and the final network are fine-tuned with one <see cref="FineTuneRecipe"/>
/// and probed layer by layer on the same task. How much does the short pre-training cost after fine-tuning?
/// </summary>
public static class ShortPretrainingStudy
{
    /// <summary>Fine-tunes both starts (written to <c>{report}/ft-from-iter-N.onnx</c>), probes them and writes <c>short-pretraining.*</c>.</summary>
    public static ShortPretrainingResult Run(Snapshot early, Snapshot final, FineTuneRecipe recipe, FineTuningMode mode,
        IReadOnlyList<string> layers, StudyTask task, string report, string taskName)
    {
        var (tuned, top1) = FineTuneBoth(early, final, recipe, mode, layers, task.Split.Validate, report);
        return Compare(early.Iteration, final.Iteration, tuned[0], tuned[1], top1, layers, task, report, taskName);
    }

    /// <summary>
    /// Checks the two starts (order, one run, the layers, the recipe, then <paramref name="checkTask"/>) before any
    /// training, then fine-tunes both with the one recipe; the results are <c>{report}/ft-from-iter-N.onnx</c>.
    /// </summary>
    public static (IReadOnlyList<OnnxNetwork> Tuned, IReadOnlyList<double?> HeldOutTop1) FineTuneBoth(Snapshot early, Snapshot final,
        FineTuneRecipe recipe, FineTuningMode mode, IReadOnlyList<string> layers, Action checkTask, string report)
    {
        if (early.Iteration >= final.Iteration)
            throw LayerProbeException.For(early.Network.Path, $"the early snapshot (iteration {early.Iteration}) must precede the final one ({final.Iteration})");
        SnapshotFolder.CheckSameRun([early, final]);
        NetworkProbes.CheckLayers([early.Network, final.Network], layers);
        recipe.Check(early.Network, mode);
        checkTask();

        var tuned = new List<OnnxNetwork>();
        var top1 = new List<double?>();
        foreach (var start in new[] { early, final })
        {
            var (network, accuracy) = recipe.Run(start.Network, mode, Path.Combine(report, TunedFile(start.Iteration)));
            tuned.Add(network);
            top1.Add(accuracy);
        }
        return (tuned, top1);
    }

    /// <summary>The file a start fine-tuned from iteration <paramref name="iteration"/> is written to, relative to the report.</summary>
    public static string TunedFile(int iteration) => $"ft-from-iter-{iteration}.onnx";

    /// <summary>Probes an early and a final start already fine-tuned with the same recipe and writes <c>short-pretraining.*</c>.</summary>
    public static ShortPretrainingResult Compare(int earlyIteration, int finalIteration, OnnxNetwork earlyTuned, OnnxNetwork finalTuned,
        IReadOnlyList<double?> heldOutTop1, IReadOnlyList<string> layers, StudyTask task, string report, string taskName)
    {
        var grid = NetworkProbes.Run([($"iter {earlyIteration} + FT", earlyTuned), ($"iter {finalIteration} + FT", finalTuned)], layers, task);
        var table = new ResultTable($"{taskName}: mAP (%) per layer after fine-tuning from iteration {earlyIteration} vs {finalIteration}", "layer",
            [.. grid.Columns, "Δ (early − final)"]);
        for (int l = 0; l < layers.Count; l++)
            table.Add(layers[l], [grid.Map(l, 0), grid.Map(l, 1), grid.Map(l, 0) - grid.Map(l, 1)]);
        var files = new List<string>();
        foreach (var (t, stem) in new[] { (table, "short-pretraining"), (PaperAnchors.Table5AsTable(), "paper-table5") })
        {
            files.AddRange(TableWriters.WriteAll(t, report, stem));
        }
        return new ShortPretrainingResult(grid, heldOutTop1, table, files);
    }
}
