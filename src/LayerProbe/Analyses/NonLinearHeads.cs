using LayerProbe.Analyses.Heads;
using LayerProbe.Probes;
using LayerProbe.Reports;

namespace LayerProbe.Analyses;

/// <summary>Test AP of one head.</summary>
public sealed record HeadResult(string Head, IReadOnlyList<ApResult> PerClass, MeanAp Mean, double Seconds);

/// <summary>
/// E13 (paper §4.3, draft to-dos): non-linear heads on a stored (conv) layer — explicit additive-kernel maps or random
/// Fourier features + linear SVM, and a small MLP — compared with the linear probe on the same train/test rows.
/// </summary>
public static class NonLinearHeads
{
    /// <summary>The default comparison: linear, χ²-map, intersection-map, RBF random features, MLP.</summary>
    public static IReadOnlyList<IProbeHead> DefaultHeads(int inputDimensions, double rbfGamma, SvmSettings? svm = null) =>
    [
        new LinearHead(svm),
        new LinearHead(svm, new AdditiveKernelMap(AdditiveKernel.ChiSquared)),
        new LinearHead(svm, new AdditiveKernelMap(AdditiveKernel.Intersection)),
        new LinearHead(svm, new RandomFourierFeatures(inputDimensions, 2048, rbfGamma)),
        new MlpHead(),
    ];

    /// <summary>Trains and evaluates every head.</summary>
    public static IReadOnlyList<HeadResult> Compare(IFeatureRows train, OneVsRestLabels trainLabels, IFeatureRows test,
        OneVsRestLabels testLabels, IReadOnlyList<IProbeHead> heads)
    {
        var results = new List<HeadResult>();
        foreach (var head in heads)
        {
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var scores = head.FitAndScore(train, trainLabels, test);
            var ap = scores.Select((s, c) => VocAp.Classification(s, testLabels.Of(c))).ToList();
            results.Add(new HeadResult(head.Name, ap, MeanAp.Of(ap.Select((a, c) => (testLabels.ClassNames[c], a)).ToList()), watch.Elapsed.TotalSeconds));
        }
        return results;
    }

    /// <summary>Compares the heads and writes the table (head × class AP, mAP), a bar plot and the manifest.</summary>
    public static IReadOnlyList<HeadResult> Run(IFeatureRows train, OneVsRestLabels trainLabels, IFeatureRows test,
        OneVsRestLabels testLabels, IReadOnlyList<IProbeHead> heads, string layer, string outputDirectory, Dictionary<string, string>? inputs = null)
    {
        var results = Compare(train, trainLabels, test, testLabels, heads);
        var output = new AnalysisOutput(outputDirectory);
        var table = new ResultTable($"{layer}: test AP (%, 11-point) of linear vs non-linear heads", "head",
            [.. testLabels.ClassNames, "mAP", "mAP (area)", "seconds"]);
        foreach (var r in results)
            table.Add(r.Head, [.. r.PerClass.Select(a => (double?)(100 * a.ElevenPoint)), 100 * r.Mean.ElevenPoint, 100 * r.Mean.Area, r.Seconds]);
        output.Table(table, "heads");
        output.Plot("heads", stem => Plots.Bars($"{layer}: mAP by head", "mAP (%)", results.Select(r => r.Head).ToArray(),
            results.Select(r => 100 * r.Mean.ElevenPoint).ToArray(), stem));
        output.WriteManifest("non-linear-heads", new Dictionary<string, object?>
        {
            ["layer"] = layer,
            ["heads"] = heads.Select(h => h.Settings).ToArray(),
            ["trainItems"] = train.Count,
            ["testItems"] = test.Count,
            ["dimensions"] = train.Dimensions,
        }, inputs, results.ToDictionary(r => $"seconds.{r.Head}", r => r.Seconds));
        return results;
    }
}
