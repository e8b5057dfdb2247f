using System.Diagnostics;
using System.Globalization;
using LayerProbe.Data;
using LayerProbe.Features;
using LayerProbe.Features.Transforms;
using LayerProbe.Networks;
using LayerProbe.Regions;
using LayerProbe.Reports;

namespace LayerProbe.Detection;

/// <summary>What one detection run of a network is asked to do (<c>probe</c> on region items, or a study's detection step).</summary>
public sealed record DetectionRunRequest
{
    /// <summary>The network, as fed (adapted input).</summary>
    public required OnnxNetwork Network { get; init; }
    /// <summary>How titles name the network.</summary>
    public required string ModelName { get; init; }
    /// <summary>The region warp in the network's input convention.</summary>
    public required IPreprocessor Preprocessor { get; init; }
    /// <summary>Regions the detectors are trained on.</summary>
    public required VocRegions TrainVal { get; init; }
    /// <summary>Regions the detectors are tested on.</summary>
    public required VocRegions Test { get; init; }
    /// <summary>Layers: the first extracted, the others computed from it by the network's head.</summary>
    public required IReadOnlyList<string> Layers { get; init; }
    /// <summary>Where feature stores, region tables and detectors go (content-addressed: a rerun reuses them).</summary>
    public required string StoreRoot { get; init; }
    /// <summary>Where the tables, curves, pictures and detections go.</summary>
    public required string OutputDirectory { get; init; }
    /// <summary>File stem of the tables.</summary>
    public string Stem { get; init; } = "detection";
    /// <summary>Detector training, test-time detection, box regression and region mode.</summary>
    public DetectionTaskSettings Settings { get; init; } = DetectionTaskSettings.Rcnn;
    /// <summary>Extraction options (device, float16).</summary>
    public ExtractionOptions Extraction { get; init; } = new();
    /// <summary>Feature transforms (draft Table 6) detected with besides the layers, on <see cref="TransformLayer"/>.</summary>
    public IReadOnlyList<string> Transforms { get; init; } = [];
    /// <summary>The layer the transforms apply to (null: the first layer).</summary>
    public string? TransformLayer { get; init; }
}

/// <summary>What extracting the region features cost: regions extracted now, their seconds, and whether the stores were reused.</summary>
/// <param name="Regions">Regions extracted by this run (0 when every store was there).</param>
/// <param name="Seconds">Wall seconds of extraction (and head features) for the splits extracted now.</param>
public sealed record ExtractionCost(long Regions, double Seconds)
{
    /// <summary>Every store was reused: nothing was extracted.</summary>
    public bool Reused => Regions == 0;
    /// <summary>Regions per second of this run's extraction, or null when nothing was extracted.</summary>
    public double? RegionsPerSecond => Regions > 0 && Seconds > 0 ? Regions / Seconds : null;
}

/// <summary>A detection run's results: per feature (layers, then transforms), the extraction cost and the report's blocks and files.</summary>
public sealed record DetectionRunResult(string Title, IReadOnlyList<LayerDetection> Features, ExtractionCost Extraction, double DetectSeconds,
    IReadOnlyList<ReportBlock> Blocks, IReadOnlyList<string> Files, string Summary);

/// <summary>
/// One detection run of a network, as <c>probe</c> on region items and the studies' detection step both do it: the
/// layers' stores (<see cref="RcnnDetectionTask.ExtractFeatures"/>), transformed stores of one layer for draft Table 6
/// (<see cref="TransformedStore"/>, the transforms step's stores), detection with each feature
/// (<see cref="RcnnDetectionTask.Detect"/>) and the report blocks (<see cref="DetectionReport"/>); the manifest of a
/// stand-alone run is <see cref="Manifest"/>.
/// </summary>
public static class DetectionRun
{
    /// <summary>Runs the request; progress and per-feature lines go to <paramref name="log"/>.</summary>
    public static DetectionRunResult Run(DetectionRunRequest r, TextWriter log)
    {
        if (r.Layers.Count == 0) throw LayerProbeException.For("layers", "no layer to detect with");
        string transformLayer = r.TransformLayer ?? r.Layers[0];
        if (r.Transforms.Count > 0 && !r.Layers.Contains(transformLayer))
            throw LayerProbeException.For("transforms", $"layer '{transformLayer}' is not one of the detected layers ({string.Join(", ", r.Layers)})");
        var transforms = r.Transforms.Select(t => FeatureTransforms.Names.Contains(t) ? FeatureTransforms.Create(t)
            : throw LayerProbeException.For("transforms", $"unknown transform '{t}' (known: {string.Join(", ", FeatureTransforms.Names)})")).ToList();

        var started = DateTime.UtcNow;
        var clock = Stopwatch.StartNew();
        var features = RcnnDetectionTask.ExtractFeatures(r.Network, r.Preprocessor, r.TrainVal, r.Test, r.Layers, r.StoreRoot, r.Settings, r.Extraction, log).ToList();
        long extracted = (MadeSince(features[0].TrainValStore, started) ? r.TrainVal.Count : 0) + (MadeSince(features[0].TestStore, started) ? r.Test.Count : 0);
        var cost = new ExtractionCost(extracted, extracted > 0 ? clock.Elapsed.TotalSeconds : 0);

        var source = features[r.Layers.ToList().IndexOf(transformLayer)];
        foreach (var transform in transforms.Where(t => !t.IsIdentity))
        {
            var manifest = FeatureManifest.Read(Path.Combine(source.TrainValStore, FeatureStoreFiles.Manifest));
            var shape = new FeatureShape(manifest.Shape[0], manifest.Shape.Length > 1 ? manifest.Shape[1] : 1, manifest.Shape.Length > 2 ? manifest.Shape[2] : 1);
            if (!FeatureTransforms.AppliesTo(transform, shape))
                throw LayerProbeException.For("transforms", $"'{transform.Name}' needs a spatial map, but {transformLayer} is {shape} (a fully connected layer)");
            string Write(string store, VocRegions items) =>
                TransformedStore.Write(store, transform, r.StoreRoot, new Progress($"transform {transformLayer} {transform.Name} ({items.Name})", items.Count, log));
            features.Add(new DetectionFeatures($"{transformLayer}+{transform.Name}", Write(source.TrainValStore, r.TrainVal), Write(source.TestStore, r.Test)));
        }

        var detectClock = Stopwatch.StartNew();
        // R-CNN's box regressors read the first (extracted) layer, pool5, whatever feature the detectors use.
        var results = features.Select(f => RcnnDetectionTask.Detect(f, r.TrainVal, r.Test, r.StoreRoot, r.OutputDirectory, r.Settings, log, regressionFeatures: features[0])).ToList();
        double detectSeconds = detectClock.Elapsed.TotalSeconds;
        string title = $"Detection AP (%) per layer of {r.ModelName} on {r.Test.Name}";
        var (blocks, files) = DetectionReport.Write(r.OutputDirectory, r.Stem, title, results, r.Test);
        // The mode the stores were made in, as their manifest says (not as asked): a build without shared-conv extraction says so.
        bool sharedConv = FeatureManifest.Read(Path.Combine(features[0].TrainValStore, FeatureStoreFiles.Manifest)).Regions?.Mode == "shared-conv";
        string mode = sharedConv && r.Settings.SharedConv is { } shared ? $"shared-conv ({shared.Layer} once per image, shorter side {string.Join(", ", shared.ShorterSides)}, RoI pooling)"
            : r.Settings.SharedConv is not null ? "warped — shared-conv was asked for, but the stores hold warped regions" : "R-CNN warp";
        if (r.Settings.SharedConv is not null && !sharedConv) log.WriteLine($"detection: {r.ModelName}: shared-conv asked for, but the stores hold warped regions");
        string summary = $"R-CNN detection with {r.Layers.Count} layers of `{r.ModelName}`: detectors trained on {r.TrainVal.Name} ({r.TrainVal.Images} images, " +
                         $"{r.TrainVal.Count:N0} regions) with hard-negative mining, tested on {r.Test.Name} ({r.Test.Images} images, {r.Test.Count:N0} regions); " +
                         $"{r.Layers[0]} extracted ({mode} regions), {(r.Layers.Count > 1 ? string.Join(", ", r.Layers.Skip(1)) + " computed from it by the network's head; " : "")}" +
                         (r.Transforms.Count > 0 ? $"{transformLayer} also under {string.Join(", ", transforms.Where(t => !t.IsIdentity).Select(t => t.Name))} (draft Table 6); " : "") +
                         "detections in the devkit's format under detections/FEATURE/" +
                         (r.Settings.BoxRegression is not null ? $", after bounding-box regression from {r.Layers[0]} under detections/FEATURE+bbox-reg/. " : ". ") +
                         (cost.RegionsPerSecond is { } rate ? $"Extraction: {cost.Regions:N0} regions in {cost.Seconds:F0} s ({rate:F0} regions/s)." : "Extraction: every store reused (nothing extracted).");
        return new DetectionRunResult(title, results, cost, detectSeconds, blocks, files, summary);
    }

    /// <summary>Whether the store's manifest was written at or after <paramref name="start"/> (extracted by this run, not reused).</summary>
    static bool MadeSince(string store, DateTime start)
    {
        var manifest = FeatureManifest.Read(Path.Combine(store, FeatureStoreFiles.Manifest));
        return !DateTime.TryParse(manifest.Created, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var created) || created.ToUniversalTime() >= start;
    }

    /// <summary>
    /// The manifest of a stand-alone run (<c>probe</c> on region items): inputs, every detector-training and test-time
    /// threshold, each feature's mAP, scaling, detector file and comp4 folder, and wall time, peak RSS and speeds.
    /// </summary>
    public static Manifest Manifest(DetectionRunRequest r, DetectionRunResult result, string modelPath, string modelSha256, double wallSeconds) => new Manifest
    {
        Task = "probe (detection)",
        Inputs =
        {
            ["network"] = $"{modelPath} sha256:{modelSha256}",
            ["trainval"] = $"{r.TrainVal.Name} {r.TrainVal.Fingerprint} proposals {r.TrainVal.ProposalsDirectory}",
            ["test"] = $"{r.Test.Name} {r.Test.Fingerprint} proposals {r.Test.ProposalsDirectory}",
        },
        Settings = Settings(r, result),
        Measurements = Measurements(result, wallSeconds),
    };

    /// <summary>The settings a manifest records for a run.</summary>
    public static Dictionary<string, object?> Settings(DetectionRunRequest r, DetectionRunResult result) => new()
    {
        ["preprocessing"] = r.Preprocessor.Description, ["layers"] = r.Layers, ["extracted_layer"] = r.Layers[0],
        ["layers_from_head_subgraph"] = r.Layers.Skip(1).ToArray(), ["device"] = r.Extraction.Device,
        ["max_proposals"] = r.TrainVal.MaxProposals, ["max_proposals_test"] = r.Test.MaxProposals,
        ["transforms"] = r.Transforms, ["transform_layer"] = r.Transforms.Count > 0 ? r.TransformLayer ?? r.Layers[0] : null,
        ["detector_training"] = r.Settings.Training, ["detection"] = r.Settings.Detection,
        ["box_regression"] = r.Settings.BoxRegression, ["box_regression_feature"] = r.Settings.BoxRegression is not null ? r.Layers[0] : null,
        ["shared_conv"] = r.Settings.SharedConv,
        ["regions"] = RegionRecord(result.Features[0].TestStore, r.Settings.SharedConv),
        ["per_layer"] = result.Features.Select(f => new
        {
            f.Layer, f.Dimensions, Map = Finite(f.Result.Mean.ElevenPoint), f.Scaling, f.DetectorFile, f.Comp4Folder, f.Result.Note,
            MapBb = f.Regressed is { } bb ? Finite(bb.Mean.ElevenPoint) : null, BoxRegression = f.Regression,
        }).ToList(),
    };

    /// <summary>How the region features were computed, as the extracted layer's store records it (mode, layer, scale, stride, grid, engine), with the batch.</summary>
    static object RegionRecord(string store, SharedConvSettings? sharedConv)
    {
        var record = FeatureManifest.Read(Path.Combine(store, FeatureStoreFiles.Manifest)).Regions ?? RegionFeatures.Warp;
        return sharedConv is null ? record : new { record.Mode, record.Layer, record.ShorterSide, record.MaxSide, record.Stride, record.Pooled, record.Grid, record.Pool, record.Scales, record.TargetSide, sharedConv.RegionBatch };
    }

    /// <summary>Wall time, peak RSS, extraction speed and each feature's scoring speed.</summary>
    public static Dictionary<string, double> Measurements(DetectionRunResult result, double wallSeconds)
    {
        var m = new Dictionary<string, double>
        {
            ["wall_seconds"] = wallSeconds, ["peak_rss_mib"] = ResourceUsage.PeakRssMegabytes(),
            ["test_proposals"] = result.Features[0].Result.ProposalsScored, ["detect_seconds"] = result.DetectSeconds,
        };
        if (result.Extraction.RegionsPerSecond is { } rate) (m["regions_extracted"], m["extraction_seconds"], m["regions_per_second"]) = (result.Extraction.Regions, result.Extraction.Seconds, rate);
        foreach (var f in result.Features)
        {
            if (Finite(f.Result.ProposalsPerSecond) is { } scored) m[$"proposals_per_second_{f.Layer}"] = scored;
            if (f.Regression is { } bb)
            {
                if (bb.TrainingSeconds is { } seconds) m[$"box_regression_training_seconds_{bb.Feature}"] = seconds;
                m[$"box_regression_seconds_{f.Layer}"] = bb.ApplySeconds;
            }
        }
        return m;
    }

    /// <summary>The value, or null for NaN/∞ (JSON has no NaN; a mean over no valid class is NaN).</summary>
    public static double? Finite(double value) => double.IsFinite(value) ? value : null;
}
