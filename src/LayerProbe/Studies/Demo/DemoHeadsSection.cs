using LayerProbe.Analyses;
using LayerProbe.Analyses.Heads;
using LayerProbe.Reports;

namespace LayerProbe.Studies;

/// <summary>
/// Demo section "non-linear heads" (paper §4.3, E13): is what the fc layers add on top of pool5 reachable by a
/// non-linear classifier on conv features? Explicit additive-kernel maps (χ², intersection) and random Fourier
/// features + linear SVM, and a small MLP, on a conv block, beside the layer-wise linear probes of that block and pool5.
/// </summary>
static class DemoHeadsSection
{
    /// <summary>Runs the heads on <paramref name="Layer"/> (unrolled), beside the linear probes of it and of <paramref name="Reference"/>.</summary>
    public static DemoSection Run(DemoSectionInputs inputs, string folder, string Layer, string Reference)
    {
        using var train = inputs.OpenTrainVal(Layer);
        using var test = inputs.OpenTest(Layer);
        double gamma = RandomFourierFeatures.MedianHeuristicGamma(train.Rows);
        var heads = NonLinearHeads.DefaultHeads(train.Rows.Dimensions, gamma, inputs.Settings.Svm);
        inputs.Log.WriteLine($"heads: {string.Join(", ", heads.Select(h => h.Name))} on {Layer} ({train.Rows.Dimensions:N0} values per image)");
        var results = NonLinearHeads.Run(train.Rows, inputs.TrainValLabels, test.Rows, inputs.TestLabels, heads, $"{Layer} (unroll)",
            Path.Combine(inputs.Report, folder), new() { ["train"] = train.Identity, ["test"] = test.Identity });
        foreach (var r in results) inputs.Log.WriteLine($"head {r.Head,-22} mAP {100 * r.Mean.ElevenPoint,5:F1}  {r.Seconds:F1}s");

        var output = new AnalysisOutput(Path.Combine(inputs.Report, folder, "versus-pool5"));
        var table = new ResultTable($"Test mAP (%, 11-point): heads on {Layer} vs the layer-wise linear probes", "classifier", ["mAP", "seconds"]);
        foreach (var r in results) table.Add($"{Layer}: {r.Head}", [100 * r.Mean.ElevenPoint, r.Seconds]);
        foreach (var layer in new[] { Layer, Reference })
        {
            var probe = inputs.Layerwise.Results[inputs.Layerwise.IndexOf(layer)];
            table.Add($"{layer}: linear probe (layer-wise study; C = {probe.Training.ChosenC:G3} chosen on val)", [100 * probe.Mean.ElevenPoint, probe.Seconds]);
        }
        output.Table(table, "heads-vs-pool5");
        output.WriteManifest($"study/{folder}/versus-pool5", new Dictionary<string, object?> { ["layer"] = Layer, ["reference"] = Reference });

        var page = new ReportPage("heads")
            .Heading(2, "Non-linear heads (paper §4.3)")
            .Paragraph("In CaffeNet, fc6/fc7 add about 8 mAP over pool5 (draft Table 9). Is that gain available to a non-linear classifier on " +
                       "conv features? ResNet-18 has no fc6/fc7 — its only layer after the last block is the global pool (pool5) and the " +
                       $"ImageNet classifier — so the heads are trained on the unrolled {Layer} and compared with the linear probes of {Layer} " +
                       $"and pool5: χ² and intersection kernels by explicit feature maps and an RBF kernel by random Fourier features (γ by " +
                       $"the median heuristic, {gamma:G3}), each + linear SVM (the probes' SVM at C = {inputs.Settings.Svm.C:G3}, no search), " +
                       "and a two-layer MLP (one hidden ReLU layer, Adam).")
            .Table(table)
            .Figure($"{folder}/heads", $"mAP by head on {Layer} of {inputs.ModelName}, {inputs.Split.Test.Name}")
            .Paragraph($"Files: `{folder}/` (`heads.*` per class, plot, manifest), `{folder}/versus-pool5/`.");
        return new DemoSection(folder, page.Blocks,
            [.. DemoSection.FilesOfAnalysis(inputs.Report, folder), .. DemoSection.FilesOfAnalysis(inputs.Report, $"{folder}/versus-pool5")],
            results.ToDictionary(r => $"head_seconds.{r.Head}", r => r.Seconds));
    }
}
