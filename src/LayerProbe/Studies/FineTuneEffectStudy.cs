using LayerProbe.Networks;
using LayerProbe.Reports;
using LayerProbe.Training;

namespace LayerProbe.Studies;

/// <summary>What <see cref="FineTuneEffectStudy.Run"/> measured and wrote.</summary>
/// <param name="Grid">mAP per layer for pretrained, fc-only FT and full FT (columns in that order).</param>
/// <param name="MostChanged">The layer whose mAP full fine-tuning changed most (largest |Δ|).</param>
/// <param name="Table">Layers × (variants, Δ fc-only, Δ full) as written to <c>finetune-effect.*</c>.</param>
/// <param name="Files">Written files, relative to the report folder.</param>
public sealed record FineTuneEffectResult(LayerGrid Grid, string MostChanged, ResultTable Table, IReadOnlyList<string> Files)
{
    /// <summary>Change of <paramref name="layer"/>'s mAP from the pretrained network to column <paramref name="column"/> (1: fc-only, 2: full).</summary>
    public double Delta(int layer, int column) => Grid.Map(layer, column) - Grid.Map(layer, 0);
}

/// <summary>
/// Paper Tables 1, 2 and 8 (E2, E3): the pre-trained network and its fc-only and all-layers fine-tuned versions probed
/// layer by layer on the same task; the table gives each variant's mAP and the change per layer.
/// </summary>
public static class FineTuneEffectStudy
{
    /// <summary>Column names of the grid.</summary>
    public static readonly string[] Variants = ["pretrained", "fc-only FT", "full FT"];

    /// <summary>
    /// The two fine-tuned networks must come from one fine-tuning task: the same classifier width (and that of
    /// <paramref name="expectedClasses"/> when given), and the same input shape as the pre-trained network.
    /// </summary>
    public static void Check(OnnxNetwork pretrained, OnnxNetwork fcOnly, OnnxNetwork full, int? expectedClasses = null)
    {
        // the classifier as the graph shows it (fc8 in CaffeNet, an appended one on a headless network), never by name
        int fcClasses = ClassifierLayer.Find(fcOnly.Model, null, fcOnly.Path).Classes;
        var fullClassifier = ClassifierLayer.Find(full.Model, null, full.Path);
        int fullClasses = fullClassifier.Classes;
        if (fcClasses != fullClasses)
            throw LayerProbeException.For(full.Path, $"{fullClassifier.LayerName} has {fullClasses} classes but the fc-only network {Path.GetFileName(fcOnly.Path)} has {fcClasses}; both must be fine-tuned on the same task");
        if (expectedClasses is { } expected && fullClasses != expected)
            throw LayerProbeException.For(full.Path, $"{fullClassifier.LayerName} has {fullClasses} classes but the fine-tuning task has {expected}");
        foreach (var n in new[] { fcOnly, full })
            if (!n.InputShape.SequenceEqual(pretrained.InputShape))
                throw LayerProbeException.For(n.Path, $"input [{string.Join(",", n.InputShape)}] differs from the pre-trained network's [{string.Join(",", pretrained.InputShape)}]");
    }

    /// <summary>Probes the three networks and writes <c>finetune-effect.*</c> and the paper's tables into <paramref name="report"/>.</summary>
    public static FineTuneEffectResult Run(OnnxNetwork pretrained, OnnxNetwork fcOnly, OnnxNetwork full, IReadOnlyList<string> layers,
        StudyTask task, string report, string taskName, int? expectedClasses = null)
    {
        Check(pretrained, fcOnly, full, expectedClasses);
        var grid = NetworkProbes.Run([(Variants[0], pretrained), (Variants[1], fcOnly), (Variants[2], full)], layers, task);
        var table = new ResultTable($"{taskName}: mAP (%) per layer before and after fine-tuning (linear SVM probes)", "layer",
            [.. Variants, "Δ fc-only", "Δ full"]);
        for (int l = 0; l < layers.Count; l++)
            table.Add(layers[l], [.. grid.Row(l).Select(v => (double?)v), grid.Map(l, 1) - grid.Map(l, 0), grid.Map(l, 2) - grid.Map(l, 0)]);
        var files = new List<string>();
        foreach (var (t, stem) in new[] { (table, "finetune-effect"), (PaperAnchors.Table2AsTable(), "paper-table2"), (PaperAnchors.Table1AsTable(), "paper-table1") })
        {
            files.AddRange(TableWriters.WriteAll(t, report, stem));
        }
        Plots.Lines($"mAP per layer before and after fine-tuning: {taskName}", "mAP (%)", layers,
            Variants.Select((v, c) => (v, (IReadOnlyList<double>)Enumerable.Range(0, layers.Count).Select(l => grid.Map(l, c)).ToList())).ToList(),
            Path.Combine(report, "finetune-effect-map"));
        files.AddRange(["finetune-effect-map.png", "finetune-effect-map.svg"]);
        string most = layers[Enumerable.Range(0, layers.Count).MaxBy(l => Math.Abs(grid.Map(l, 2) - grid.Map(l, 0)))];
        return new FineTuneEffectResult(grid, most, table, files);
    }
}
