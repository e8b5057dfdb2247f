using System.Diagnostics;
using LayerProbe.Data;
using LayerProbe.Features;
using LayerProbe.Networks;
using LayerProbe.Probes;

namespace LayerProbe.Analyses;

/// <summary>
/// The paper's basic experiment (draft Table 9): extract every requested layer for trainval and test in one pass each,
/// then for each layer train one-vs-rest linear SVMs on R-CNN-scaled features (C chosen on val, retrained on
/// trainval) and score per-class AP and mAP on test.
/// </summary>
public static class LayerwiseProbe
{
    /// <summary>Runs the probes; features are cached (and resumed) under <paramref name="storeRoot"/>.</summary>
    public static IReadOnlyList<LayerProbeResult> Run(OnnxNetwork network, IPreprocessor preprocessor, ProbeSplit split,
        IReadOnlyList<string> layers, string storeRoot, ProbeSettings settings, ExtractionOptions? extraction = null,
        TextWriter? log = null) =>
        RunWithStores(network, preprocessor, split, layers, storeRoot, settings, extraction, log).Results;

    /// <summary>As <see cref="Run"/>, also returning the stores probed, so later analyses read them without re-extracting.</summary>
    public static LayerwiseProbeRun RunWithStores(OnnxNetwork network, IPreprocessor preprocessor, ProbeSplit split,
        IReadOnlyList<string> layers, string storeRoot, ProbeSettings settings, ExtractionOptions? extraction = null,
        TextWriter? log = null)
    {
        log ??= Console.Error;
        split.Validate();
        var trainStores = Extract(network, preprocessor, split.TrainVal, layers, storeRoot, extraction, log);
        var testStores = Extract(network, preprocessor, split.Test, layers, storeRoot, extraction, log);
        var results = new List<LayerProbeResult>();
        for (int l = 0; l < layers.Count; l++)
        {
            var result = ProbeLayer(layers[l], trainStores[l], testStores[l], split, settings, log);
            string edge = Reports.LayerwiseReport.AtGridEdge(result.Training) is { } end ? $" ({end} of the grid)" : "";
            log.WriteLine($"probe {result.Layer,-10} dims {result.Dimensions,9:N0}  mAP {100 * result.Mean.ElevenPoint,5:F1}  C {result.Training.ChosenC:G2}{edge}  {result.Seconds:F1}s" +
                (result.Mean.Note is { } note ? $"  ({note})" : ""));
            results.Add(result);
        }
        if (Reports.LayerwiseReport.SkippedClassesNote(results) is { } skipped) log.WriteLine($"probe: {skipped}");
        return new LayerwiseProbeRun(results, trainStores, testStores);
    }

    /// <summary>Probes one stored layer (train/test stores of the same layer).</summary>
    public static LayerProbeResult ProbeLayer(string layer, LayerStore trainStore, LayerStore testStore, ProbeSplit split, ProbeSettings settings,
        TextWriter? log = null) =>
        ProbeLayer(layer, trainStore.Directory, testStore.Directory, trainStore.Shape, split, settings, log);

    /// <summary>Probes one pair of complete store directories (extracted or transformed, e.g. by
    /// <see cref="Features.Transforms.TransformedStore"/>) whose items are the split's, in order.</summary>
    /// <remarks>
    /// The result is kept beside the stores (<see cref="ProbeResultCache"/>, content-addressed by stores, items, labels,
    /// fit split and settings) and reused when every input is the same; <paramref name="log"/> (if given) hears that, or
    /// the solver's progress through the C grid. <see cref="LayerProbeResult.Seconds"/> of a reused result is the time it
    /// took when it was computed.
    /// </remarks>
    public static LayerProbeResult ProbeLayer(string layer, string trainDirectory, string testDirectory, int[] shape, ProbeSplit split, ProbeSettings settings,
        TextWriter? log = null)
    {
        var cache = ProbeResultCache.For(layer, trainDirectory, testDirectory, shape, split, settings);
        if (cache?.TryRead(layer, shape, log) is { } kept)
        {
            log?.WriteLine($"probe {layer,-10} reused the result kept in {cache.Path}");
            return kept;
        }
        var result = Probe(layer, trainDirectory, testDirectory, shape, split, settings, log);
        cache?.Write(result, log);
        return result;
    }

    static LayerProbeResult Probe(string layer, string trainDirectory, string testDirectory, int[] shape, ProbeSplit split, ProbeSettings settings,
        TextWriter? log)
    {
        var clock = Stopwatch.StartNew();
        using var trainMatrix = FeatureMatrix.Open(trainDirectory);
        using var testMatrix = FeatureMatrix.Open(testDirectory);
        var train = new StoredFeatureRows(trainMatrix);
        var test = new StoredFeatureRows(testMatrix);
        StoredFeatureChecks.IdsMatch(train, split.TrainVal, trainDirectory);
        StoredFeatureChecks.IdsMatch(test, split.Test, testDirectory);
        StoredFeatureChecks.AllFinite(train, trainDirectory);
        StoredFeatureChecks.AllFinite(test, testDirectory);

        var scaling = FeatureScaling.Estimate(train);
        var labels = ToOneVsRest(split.TrainVal.Labels);
        var testLabels = ToOneVsRest(split.Test.Labels);
        var (models, record) = CSelection.SelectAndRetrain(scaling.Apply(train), labels, split.Train, split.Validation,
            settings.Svm, settings.Trainer(), settings.Solver, settings.CGrid, scaling, log is null ? null : line => log.WriteLine($"probe {layer,-10} {line}"));

        var scaledTest = scaling.Apply(test);
        var perClass = new List<(string, ApResult)>();
        for (int k = 0; k < models.Length; k++)
        {
            bool trainable = labels.Of(k).Contains((sbyte)1);
            var ap = trainable ? VocAp.Classification(models[k].Decisions(scaledTest), testLabels.Of(k)) : default;
            perClass.Add((labels.ClassNames[k], ap));
        }
        return new LayerProbeResult(layer, shape, perClass, MeanAp.Of(perClass), record, clock.Elapsed.TotalSeconds);
    }

    /// <summary>The item × class label matrix as per-class +1/−1/0 vectors.</summary>
    public static OneVsRestLabels ToOneVsRest(ItemLabels labels)
    {
        var perClass = new sbyte[labels.Classes.Count][];
        for (int c = 0; c < perClass.Length; c++)
        {
            perClass[c] = new sbyte[labels.Count];
            for (int i = 0; i < labels.Count; i++) perClass[c][i] = (sbyte)labels[i, c];
        }
        return new OneVsRestLabels(labels.Classes, perClass);
    }

    static IReadOnlyList<LayerStore> Extract(OnnxNetwork network, IPreprocessor preprocessor, IItemSet items,
        IReadOnlyList<string> layers, string storeRoot, ExtractionOptions? options, TextWriter log)
    {
        var (progress, _) = ExtractionProgressLines.For($"extract {items.Name}", items.Count, log == Console.Error ? null : log);
        var result = FeatureExtractor.Run(network, items, preprocessor, layers, storeRoot, options, progress);
        if (result.Extracted > 0)
            log.WriteLine($"extract {items.Name}: {result.Extracted} items in {result.Elapsed.TotalSeconds:F1}s ({result.Extracted / result.Elapsed.TotalSeconds:F0} img/s)");
        return result.Stores;
    }
}
