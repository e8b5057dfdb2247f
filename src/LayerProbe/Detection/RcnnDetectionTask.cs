using System.Diagnostics;
using LayerProbe.Data;
using LayerProbe.Features;
using LayerProbe.Networks;
using LayerProbe.Probes;
using LayerProbe.Regions;

namespace LayerProbe.Detection;

/// <summary>Every setting of the detection task: detector training (§6.3–6.4) and test-time detection (§6.5, §6.7).</summary>
public sealed record DetectionTaskSettings(DetectorTrainingSettings Training, DetectionSettings Detection)
{
    /// <summary>R-CNN's settings throughout (warp mode, no box regression).</summary>
    public static DetectionTaskSettings Rcnn => new(DetectorTrainingSettings.Rcnn, DetectionSettings.Rcnn);

    /// <summary>Bounding-box regression (§6.6) for a second AP column per feature; null: none.</summary>
    public BoxRegressionSettings? BoxRegression { get; init; }

    /// <summary>How region features are computed: null is R-CNN's warp of every region (§6.1); otherwise one forward
    /// pass per image and RoI pooling (<see cref="SharedConvExtractor"/>).</summary>
    public SharedConvSettings? SharedConv { get; init; }
}

/// <summary>
/// The stores one detection reads: a feature of every trainval and test region — a layer of the network, or a
/// transform of one (draft Table 6).
/// </summary>
/// <param name="Name">How tables name the feature (<c>pool5</c>, <c>pool5+sp-max</c>).</param>
/// <param name="TrainValStore">The trainval regions' feature store.</param>
/// <param name="TestStore">The test regions' feature store (same item order as the test split's region table).</param>
public sealed record DetectionFeatures(string Name, string TrainValStore, string TestStore);

/// <summary>The detection result of one layer, with where its detectors and test features are.</summary>
/// <param name="Layer">The layer.</param>
/// <param name="Dimensions">Feature dimensions.</param>
/// <param name="Result">Per-class AP, mAP and speed on the test split.</param>
/// <param name="Training">The training run, or null when the detectors were read from their file (trained before).</param>
/// <param name="DetectorFile">The detectors' file (content-addressed by store, region table, layer and settings).</param>
/// <param name="TestStore">The test split's feature store of the layer.</param>
/// <param name="Comp4Folder">Where the devkit-format detections are.</param>
/// <param name="Scaling">The feature scaling the detectors were trained with.</param>
public sealed record LayerDetection(string Layer, int Dimensions, DetectionResult Result, DetectorTraining? Training,
    string DetectorFile, string TestStore, string Comp4Folder, Probes.FeatureScaling Scaling)
{
    /// <summary>The same detections after bounding-box regression (§6.6), or null when it was not asked for.</summary>
    public DetectionResult? Regressed { get; init; }

    /// <summary>What the box regression read, wrote and cost (null without it).</summary>
    public BoxRegressionRun? Regression { get; init; }
}

/// <summary>
/// R-CNN detection as a probe of layers (docs/method.md §2.3, §6): the first requested layer is extracted for every
/// region of trainval and test (GT boxes and proposals; R-CNN's warp, or one forward pass per image and RoI pooling
/// when <see cref="DetectionTaskSettings.SharedConv"/> is set — the same stores, ids and region tables, other store
/// keys); every further layer is computed from that
/// layer's stores by the network's head subgraph (R-CNN's pool5 → fc6 → fc7 from cached pool5,
/// <see cref="HeadFeatures"/>); per layer, detectors are trained with hard-negative mining (<see cref="HardNegativeMining"/>,
/// kept in a <see cref="DetectorSetFile"/> so a rerun reuses them) and tested (<see cref="DetectionTest"/>), the
/// detections written in the devkit's format. Everything is streamed from the stores; a rerun resumes.
/// </summary>
public static class RcnnDetectionTask
{
    /// <summary>Runs the task; stores, region tables and detectors go under <paramref name="storeRoot"/>, detections under <paramref name="outputDirectory"/>.</summary>
    public static IReadOnlyList<LayerDetection> Run(OnnxNetwork network, IPreprocessor preprocessor, VocRegions trainval, VocRegions test,
        IReadOnlyList<string> layers, string storeRoot, string outputDirectory, DetectionTaskSettings settings,
        ExtractionOptions? extraction = null, TextWriter? log = null)
    {
        log ??= Console.Error;
        var features = ExtractFeatures(network, preprocessor, trainval, test, layers, storeRoot, settings, extraction, log);
        return [.. features.Select(f => Detect(f, trainval, test, storeRoot, outputDirectory, settings, log, regressionFeatures: features[0]))];
    }

    /// <summary>
    /// The feature stores of every requested layer for trainval and test (the first layer extracted, the others from its
    /// store by the head subgraph) and the splits' region tables; reused when present, resumed when interrupted.
    /// </summary>
    public static IReadOnlyList<DetectionFeatures> ExtractFeatures(OnnxNetwork network, IPreprocessor preprocessor, VocRegions trainval, VocRegions test,
        IReadOnlyList<string> layers, string storeRoot, DetectionTaskSettings settings, ExtractionOptions? extraction = null, TextWriter? log = null)
    {
        log ??= Console.Error;
        if (layers.Count == 0) throw LayerProbeException.For("--layers", "no layer to detect with");
        CheckSplits(trainval, test);
        settings.Detection.Validate();
        if (settings.SharedConv is not null && preprocessor is not ConventionPreprocessor)
            throw LayerProbeException.For(network.Path, $"shared-conv regions need the network's input convention, not {preprocessor.Description}");
        var trainStores = Stores(network, preprocessor, trainval, layers, storeRoot, settings.SharedConv, extraction, log);
        var testStores = Stores(network, preprocessor, test, layers, storeRoot, settings.SharedConv, extraction, log);
        RegionTable.WriteBeside(trainval, storeRoot);
        RegionTable.WriteBeside(test, storeRoot);
        return [.. layers.Select((layer, l) => new DetectionFeatures(layer, trainStores[l].Directory, testStores[l].Directory))];
    }

    /// <summary>
    /// Detection with one feature: detectors trained on its trainval store with hard-negative mining (or read from their
    /// content-addressed file), tested on its test store, detections written in the devkit's format under
    /// <paramref name="outputDirectory"/>/detections/NAME. With <see cref="DetectionTaskSettings.BoxRegression"/>, the
    /// pruned detections are also moved by box regressors trained on <paramref name="regressionFeatures"/> (R-CNN: pool5,
    /// also for fc6/fc7 detectors; null: <paramref name="features"/> itself; kept beside the detectors, content-addressed)
    /// and evaluated again: <see cref="LayerDetection.Regressed"/>, devkit files under detections/NAME+bbox-reg.
    /// </summary>
    public static LayerDetection Detect(DetectionFeatures features, VocRegions trainval, VocRegions test, string storeRoot,
        string outputDirectory, DetectionTaskSettings settings, TextWriter? log = null, DetectionFeatures? regressionFeatures = null)
    {
        log ??= Console.Error;
        CheckSplits(trainval, test);
        settings.Detection.Validate();
        string trainTable = RegionTable.WriteBeside(trainval, storeRoot);
        RegionTable.WriteBeside(test, storeRoot);
        string year = Path.GetFileName(Path.TrimEndingDirectorySeparator(test.Devkit.Root));
        var store = FeatureManifest.Read(Path.Combine(features.TrainValStore, FeatureStoreFiles.Manifest));
        var (detectors, training, file) = Detectors(trainval, features.TrainValStore, store, trainTable, features.Name, storeRoot, settings.Training, log);
        foreach (var warning in training?.Warnings ?? []) log.WriteLine($"detect {features.Name}: {warning}");
        string comp4 = Comp4Files.Folder(Path.Combine(outputDirectory, "detections", features.Name), year);
        var pruned = DetectionTest.Prune(detectors, test, features.TestStore, storeRoot, settings.Detection, file, log);
        var result = DetectionTest.Evaluate(pruned, test, comp4);
        int dims = store.Shape.Aggregate(1, (a, b) => a * b);
        log.WriteLine($"detect {features.Name,-10} dims {dims,9:N0}  mAP {100 * result.Mean.ElevenPoint,5:F1}  " +
                      $"{result.ProposalsScored:N0} proposals in {result.ScoringSeconds:F1}s ({result.ProposalsPerSecond:N0}/s)" + (result.Note is { } note ? $"  ({note})" : ""));
        var detection = new LayerDetection(features.Name, dims, result, training, file, features.TestStore, comp4, detectors.Scaling);
        if (settings.BoxRegression is not { } boxRegression) return detection;
        var regression = regressionFeatures ?? features;
        var (regressors, seconds, regressorFile) = Regressors(trainval, regression, trainTable, storeRoot, boxRegression, settings.Training, log);
        string bbComp4 = Comp4Files.Folder(Path.Combine(outputDirectory, "detections", features.Name + "+bbox-reg"), year);
        var moved = BoxRegressionTest.Apply(regressors, pruned, test, regression.TestStore, regressorFile);
        var regressed = DetectionTest.Evaluate(moved, test, bbComp4);
        log.WriteLine($"detect {features.Name,-10} + box regression ({regression.Name})  mAP {100 * regressed.Mean.ElevenPoint,5:F1}  boxes moved in {moved.Seconds - pruned.Seconds:F1}s");
        return detection with
        {
            Regressed = regressed,
            Regression = BoxRegressionRun.Of(regressors, regressorFile, seconds, moved.Seconds - pruned.Seconds, bbComp4),
        };
    }

    /// <summary>
    /// The box regressors of one feature: read from their content-addressed file beside the detectors when it exists,
    /// else trained on its trainval store (pairs from the region table, rows scaled by the feature's own §6.3 factor) and written.
    /// </summary>
    static (BoxRegressors Set, double? Seconds, string File) Regressors(VocRegions trainval, DetectionFeatures feature, string tablePath, string storeRoot,
        BoxRegressionSettings settings, DetectorTrainingSettings scaling, TextWriter log)
    {
        var store = FeatureManifest.Read(Path.Combine(feature.TrainValStore, FeatureStoreFiles.Manifest));
        string file = BoxRegressorFile.PathFor(Path.Combine(storeRoot, "detectors"), BoxRegressorFile.Key(store.Key, tablePath, feature.Name, settings, scaling));
        if (File.Exists(file))
        {
            var cached = BoxRegressorFile.Read(file);
            if (cached.Layer == feature.Name && cached.Settings == settings && cached.Classes.SequenceEqual(trainval.Classes))
            {
                log.WriteLine($"detect: box regressors ({feature.Name}) from {file}");
                return (cached, null, file);
            }
        }
        var clock = Stopwatch.StartNew();
        using var matrix = RegionFeatureStore.Open(feature.TrainValStore, trainval, "", "box regression", feature.TrainValStore);
        var rows = new StoredFeatureRows(matrix);
        using var table = RegionTableRows.Of(trainval, Path.GetDirectoryName(tablePath)!);
        var factor = Probes.FeatureScaling.Estimate(rows, scaling.ScalingSampleSize, scaling.ScalingSeed, scaling.TargetNorm);
        var regressors = BoxRegressors.Train(trainval, table, rows, factor, settings, log, feature.Name);
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        regressors.Save(file);
        log.WriteLine($"detect: box regressors ({feature.Name}) trained in {clock.Elapsed.TotalSeconds:F1}s → {file}");
        return (regressors, clock.Elapsed.TotalSeconds, file);
    }

    static void CheckSplits(VocRegions trainval, VocRegions test)
    {
        if (!trainval.Classes.SequenceEqual(test.Classes))
            throw LayerProbeException.For(test.Devkit.Root, $"trainval and test have different class lists ({trainval.Classes.Count} and {test.Classes.Count} classes)");
    }

    /// <summary>The detectors of one layer: read from their content-addressed file when it exists, else trained and written.</summary>
    static (DetectorSet Set, DetectorTraining? Training, string File) Detectors(VocRegions trainval, string storeDirectory, FeatureManifest manifest,
        string tablePath, string layer, string storeRoot, DetectorTrainingSettings settings, TextWriter log)
    {
        string key = DetectorSetFile.Key(manifest.Key, tablePath, layer, settings);
        string directory = Path.Combine(storeRoot, "detectors");
        if (DetectorSetFile.TryRead(directory, key) is { } cached)
        {
            log.WriteLine($"detect {layer}: detectors from {DetectorSetFile.PathFor(directory, key)}");
            return (cached, null, DetectorSetFile.PathFor(directory, key));
        }
        using var matrix = FeatureMatrix.Open(storeDirectory);
        using var table = RegionTableRows.Of(trainval, Path.GetDirectoryName(tablePath)!);
        var input = DetectorTrainingInput.Of(trainval, new StoredFeatureRows(matrix), storeDirectory, table, tablePath, layer);
        var training = HardNegativeMining.Train(input, settings, log: log);
        Directory.CreateDirectory(directory);
        string file = DetectorSetFile.Write(directory, key, training.Detectors, settings);
        log.WriteLine($"detect {layer}: {training.Retrains.Count} retrains in {training.Seconds:F1}s ({training.Solver}) → {file}");
        return (training.Detectors, training, file);
    }

    /// <summary>
    /// The stores of every layer for one split: the first layer extracted — every region warped (R-CNN) or, with
    /// <paramref name="sharedConv"/>, pooled from one forward pass per image (<see cref="SharedConvExtractor"/>: same
    /// ids, rows and store format, its own store key) — the others from its store by the head subgraph.
    /// </summary>
    static List<LayerStore> Stores(OnnxNetwork network, IPreprocessor preprocessor, VocRegions regions, IReadOnlyList<string> layers,
        string storeRoot, SharedConvSettings? sharedConv, ExtractionOptions? extraction, TextWriter log)
    {
        var clock = Stopwatch.StartNew();
        string mode = sharedConv is null ? "warp" : $"shared-conv at {sharedConv.Layer}, shorter side {string.Join(",", sharedConv.ShorterSides)}";
        var (progress, _) = ExtractionProgressLines.For($"extract {regions.Name} ({mode})", regions.Count, log == Console.Error ? null : log);
        var first = sharedConv is null
            ? FeatureExtractor.Run(network, regions, preprocessor, [layers[0]], storeRoot, extraction, progress)
            : SharedConvExtractor.Run(network, regions, (ConventionPreprocessor)preprocessor, sharedConv, [layers[0]], storeRoot, extraction, progress);
        if (first.Extracted > 0)
            log.WriteLine($"extract {regions.Name} {layers[0]} ({mode}): {first.Extracted} regions in {first.Elapsed.TotalSeconds:F1}s ({first.Extracted / first.Elapsed.TotalSeconds:F0} regions/s)");
        var stores = new List<LayerStore> { first.Stores[0] };
        foreach (var layer in layers.Skip(1))
        {
            var (headProgress, _) = ExtractionProgressLines.For($"{layer} from {layers[0]} ({regions.Name})", regions.Count, log == Console.Error ? null : log);
            stores.Add(HeadFeatures.Run(network, first.Stores[0].Directory, layer, storeRoot, extraction, headProgress));
        }
        log.WriteLine($"features of {regions.Name} ({regions.Count:N0} regions, {string.Join(", ", layers)}) ready in {clock.Elapsed.TotalSeconds:F1}s");
        return stores;
    }
}
