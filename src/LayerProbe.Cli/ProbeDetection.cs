using System.Diagnostics;
using LayerProbe.Analyses;
using LayerProbe.Data;
using LayerProbe.Detection;
using LayerProbe.Features;
using LayerProbe.Networks;
using LayerProbe.Regions;
using LayerProbe.Reports;

namespace LayerProbe.Cli;

/// <summary>
/// <c>probe</c> on region items: R-CNN detection per layer (<see cref="RcnnDetectionTask"/>): the first layer of
/// <c>--layers</c> is extracted for every region (warp, or shared-conv: <see cref="RegionModeOptions"/>), the others computed from its store by the network's head; detectors
/// with hard-negative mining; detection AP per class and layer, comp4 files, PR curves, pictures, manifest, report.html.
/// </summary>
static class ProbeDetection
{
    /// <summary>
    /// Runs detection on the region items of <paramref name="task"/>; <paramref name="grid"/> is <c>--c</c> as written (one
    /// C), or null; <paramref name="boxRegression"/> (<c>--box-regression</c>) adds R-CNN's box regression from the first layer;
    /// <paramref name="sharedConv"/> computes the region features in shared-conv mode (null: R-CNN's warp).
    /// </summary>
    public static void Run(RegionTask task, string? grid, bool boxRegression = false, SharedConvSettings? sharedConv = null)
    {
        var (job, source, network, preprocessor, trainval, outDir, clock) = (task.Job, task.Source, task.Network, task.Preprocessor, task.TrainVal, task.Output, task.Clock);
        var extraction = job.Extraction;
        string testSpec = job.Test;
        if (job.Fit is not null) throw LayerProbeException.For("--fit", "detection trains on all of trainval (R-CNN: one epoch of hard-negative mining); leave --fit out");
        var (testItems, _) = ItemSetSources.Create(testSpec, network, job.Preprocessing, "test");
        using var owned = testItems as IDisposable;
        if (testItems is not VocRegions test)
            throw LayerProbeException.For("--test", $"'{testSpec}' are not region items; detection needs voc2007:DEVKIT:SPLIT:proposals:STORE for --test too");
        var settings = DetectionTaskSettings.Rcnn with { SharedConv = sharedConv };
        Console.Error.WriteLine(RegionModeOptions.Describe(sharedConv));
        if (grid is not null)
        {
            var c = ProbeSettings.ParseGrid(grid);
            if (c.Count != 1) throw LayerProbeException.For("--c", "detection takes one C (R-CNN: 0.001), not a grid");
            settings = settings with { Training = settings.Training with { Svm = settings.Training.Svm with { C = c[0] } } };
        }
        if (boxRegression) settings = settings with { BoxRegression = BoxRegressionSettings.Rcnn };
        var layers = job.Layers.ToArray();
        foreach (var name in layers) network.ResolveLayer(name);

        var results = RcnnDetectionTask.Run(network, preprocessor, trainval, test, layers, job.Stores ?? Path.Combine(outDir, "features"), outDir, settings, extraction);
        string modelName = Path.GetFileName(source.Path) + (network.InputSize is { } size ? $" ({size.Height}×{size.Width} input)" : "");
        string title = $"Detection AP (%) per layer of {modelName} on {test.Name}";
        var (blocks, files) = DetectionReport.Write(outDir, "detection", title, results, test);
        var manifest = new Manifest
        {
            Task = "probe (detection)",
            Inputs =
            {
                ["network"] = $"{source.Path} sha256:{source.Sha256}",
                ["trainval"] = $"{trainval.Name} {trainval.Fingerprint} proposals {trainval.ProposalsDirectory}",
                ["test"] = $"{test.Name} {test.Fingerprint} proposals {test.ProposalsDirectory}",
            },
            Settings =
            {
                ["preprocessing"] = preprocessor.Description, ["layers"] = layers, ["extracted_layer"] = layers[0],
                ["layers_from_head_subgraph"] = layers.Skip(1).ToArray(), ["device"] = extraction.Device,
                ["detector_training"] = settings.Training, ["detection"] = settings.Detection,
                ["regions"] = RegionRecord(results[0].TestStore, sharedConv),
                ["box_regression"] = settings.BoxRegression, ["box_regression_feature"] = boxRegression ? layers[0] : null,
                ["per_layer"] = results.Select(r => new
                {
                    r.Layer, r.Dimensions, Map = Finite(r.Result.Mean.ElevenPoint), r.Scaling, r.DetectorFile, r.Comp4Folder, r.Result.Note,
                    MapBb = r.Regressed is { } bb ? Finite(bb.Mean.ElevenPoint) : null, BoxRegression = r.Regression,
                }).ToList(),
            },
            Measurements =
            {
                ["wall_seconds"] = clock.Elapsed.TotalSeconds, ["peak_rss_mib"] = ResourceUsage.PeakRssMegabytes(),
                ["test_proposals"] = results[0].Result.ProposalsScored,
            },
        }.WithOutputs(outDir, files);
        foreach (var r in results)
        {
            if (Finite(r.Result.ProposalsPerSecond) is { } rate) manifest.Measurements[$"proposals_per_second_{r.Layer}"] = rate;
            if (r.Regression is { } bb)
            {
                if (bb.TrainingSeconds is { } seconds) manifest.Measurements[$"box_regression_training_seconds_{bb.Feature}"] = seconds;
                manifest.Measurements[$"box_regression_seconds_{r.Layer}"] = bb.ApplySeconds;
            }
        }
        string summary = $"R-CNN detection with {layers.Length} layers of `{modelName}`: detectors trained on {trainval.Name} ({trainval.Images} images, " +
                         $"{trainval.Count:N0} regions) with hard-negative mining, tested on {test.Name} ({test.Images} images, {test.Count:N0} regions); " +
                         $"{layers[0]} extracted{(sharedConv is null ? " (R-CNN warp)" : $" in shared-conv mode (one pass per image to {sharedConv.Layer} at shorter side {string.Join(", ", sharedConv.ShorterSides)}, RoI pooling)")}, {(layers.Length > 1 ? string.Join(", ", layers.Skip(1)) + " computed from it by the network's head; " : "")}" +
                         $"detections in the devkit's format under detections/LAYER/" +
                         (boxRegression ? $", after bounding-box regression from {layers[0]} under detections/LAYER+bbox-reg/" : "") + $". Wall time {clock.Elapsed.TotalSeconds:F0} s, peak RSS {manifest.Measurements["peak_rss_mib"]:F0} MiB.";
        var page = new ReportPage(title).Paragraph(summary).AddRange(blocks);
        manifest.WithOutputs(outDir, [HtmlReport.Write(page, outDir, manifest)]).Write(Path.Combine(outDir, "manifest.json"));
        Console.WriteLine(TableWriters.Markdown(DetectionReport.ApTable(title, results)));
        if (boxRegression) Console.WriteLine(TableWriters.Markdown(DetectionReport.MapTable(DetectionReport.MapTitle(title), results)));
    }

    /// <summary>How the region features were computed, as the extracted layer's store records it (mode, layer, scale, stride, grid, engine), with the batch.</summary>
    static object RegionRecord(string store, SharedConvSettings? sharedConv)
    {
        var record = FeatureManifest.Read(Path.Combine(store, FeatureStoreFiles.Manifest)).Regions ?? RegionFeatures.Warp;
        return sharedConv is null ? record : new { record.Mode, record.Layer, record.ShorterSide, record.MaxSide, record.Stride, record.Pooled, record.Grid, record.Pool, record.Scales, record.TargetSide, sharedConv.RegionBatch };
    }

    /// <summary>The value, or null for NaN/∞ (JSON has no NaN; a mean over no valid class is NaN).</summary>
    internal static double? Finite(double value) => double.IsFinite(value) ? value : null;
}
