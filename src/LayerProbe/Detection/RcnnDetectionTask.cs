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
    /// <summary>R-CNN's settings throughout.</summary>
    public static DetectionTaskSettings Rcnn => new(DetectorTrainingSettings.Rcnn, DetectionSettings.Rcnn);
}

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
    string DetectorFile, string TestStore, string Comp4Folder, Probes.FeatureScaling Scaling);

/// <summary>
/// R-CNN detection as a probe of layers (docs/method.md §2.3, §6): the first requested layer is extracted for every
/// region of trainval and test (GT boxes and proposals, R-CNN's warp); every further layer is computed from that
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
        if (layers.Count == 0) throw LayerProbeException.For("--layers", "no layer to detect with");
        if (!trainval.Classes.SequenceEqual(test.Classes))
            throw LayerProbeException.For(test.Devkit.Root, $"trainval and test have different class lists ({trainval.Classes.Count} and {test.Classes.Count} classes)");
        settings.Detection.Validate();
        var trainStores = Stores(network, preprocessor, trainval, layers, storeRoot, extraction, log);
        var testStores = Stores(network, preprocessor, test, layers, storeRoot, extraction, log);
        string trainTable = RegionTable.WriteBeside(trainval, storeRoot);
        RegionTable.WriteBeside(test, storeRoot);

        var results = new List<LayerDetection>();
        string year = Path.GetFileName(Path.TrimEndingDirectorySeparator(test.Devkit.Root));
        for (int l = 0; l < layers.Count; l++)
        {
            var (detectors, training, file) = Detectors(trainval, trainStores[l], trainTable, layers[l], storeRoot, settings.Training, log);
            foreach (var warning in training?.Warnings ?? []) log.WriteLine($"detect {layers[l]}: {warning}");
            string comp4 = Comp4Files.Folder(Path.Combine(outputDirectory, "detections", layers[l]), year);
            var result = DetectionTest.Run(detectors, test, testStores[l].Directory, storeRoot, settings.Detection, file, comp4, log);
            int dims = trainStores[l].Shape.Aggregate(1, (a, b) => a * b);
            log.WriteLine($"detect {layers[l],-10} dims {dims,9:N0}  mAP {100 * result.Mean.ElevenPoint,5:F1}  " +
                          $"{result.ProposalsScored:N0} proposals in {result.ScoringSeconds:F1}s ({result.ProposalsPerSecond:N0}/s)" + (result.Note is { } note ? $"  ({note})" : ""));
            results.Add(new LayerDetection(layers[l], dims, result, training, file, testStores[l].Directory, comp4, detectors.Scaling));
        }
        return results;
    }

    /// <summary>The detectors of one layer: read from their content-addressed file when it exists, else trained and written.</summary>
    static (DetectorSet Set, DetectorTraining? Training, string File) Detectors(VocRegions trainval, LayerStore store, string tablePath,
        string layer, string storeRoot, DetectorTrainingSettings settings, TextWriter log)
    {
        var manifest = FeatureManifest.Read(Path.Combine(store.Directory, FeatureStoreFiles.Manifest));
        string key = DetectorSetFile.Key(manifest.Key, tablePath, layer, settings);
        string directory = Path.Combine(storeRoot, "detectors");
        if (DetectorSetFile.TryRead(directory, key) is { } cached)
        {
            log.WriteLine($"detect {layer}: detectors from {DetectorSetFile.PathFor(directory, key)}");
            return (cached, null, DetectorSetFile.PathFor(directory, key));
        }
        using var matrix = FeatureMatrix.Open(store.Directory);
        using var table = RegionTableRows.Of(trainval, Path.GetDirectoryName(tablePath)!);
        var input = DetectorTrainingInput.Of(trainval, new StoredFeatureRows(matrix), store.Directory, table, tablePath, layer);
        var training = HardNegativeMining.Train(input, settings, log: log);
        Directory.CreateDirectory(directory);
        string file = DetectorSetFile.Write(directory, key, training.Detectors, settings);
        log.WriteLine($"detect {layer}: {training.Retrains.Count} retrains in {training.Seconds:F1}s ({training.Solver}) → {file}");
        return (training.Detectors, training, file);
    }

    /// <summary>The stores of every layer for one split: the first layer extracted, the others from its store by the head subgraph.</summary>
    static List<LayerStore> Stores(OnnxNetwork network, IPreprocessor preprocessor, VocRegions regions, IReadOnlyList<string> layers,
        string storeRoot, ExtractionOptions? extraction, TextWriter log)
    {
        var clock = Stopwatch.StartNew();
        var (progress, _) = ExtractionProgressLines.For($"extract {regions.Name}", regions.Count, log == Console.Error ? null : log);
        var first = FeatureExtractor.Run(network, regions, preprocessor, [layers[0]], storeRoot, extraction, progress);
        if (first.Extracted > 0)
            log.WriteLine($"extract {regions.Name} {layers[0]}: {first.Extracted} regions in {first.Elapsed.TotalSeconds:F1}s ({first.Extracted / first.Elapsed.TotalSeconds:F0} regions/s)");
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
