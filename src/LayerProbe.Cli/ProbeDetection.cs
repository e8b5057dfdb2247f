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
        var settings = Studies.DetectionStudyTask.SettingsWithC(grid is null ? null : ProbeSettings.ParseGrid(grid)) with { SharedConv = sharedConv };
        Console.Error.WriteLine(RegionModeOptions.Describe(sharedConv));
        if (boxRegression) settings = settings with { BoxRegression = BoxRegressionSettings.Rcnn };
        var layers = job.Layers.ToArray();
        foreach (var name in layers) network.ResolveLayer(name);

        string modelName = Path.GetFileName(source.Path) + (network.InputSize is { } size ? $" ({size.Height}×{size.Width} input)" : "");
        var request = new DetectionRunRequest
        {
            Network = network, ModelName = modelName, Preprocessor = preprocessor, TrainVal = trainval, Test = test, Layers = layers,
            StoreRoot = job.Stores ?? Path.Combine(outDir, "features"), OutputDirectory = outDir, Settings = settings, Extraction = extraction,
        };
        var result = DetectionRun.Run(request, Console.Error);
        var manifest = DetectionRun.Manifest(request, result, source.Path, source.Sha256, clock.Elapsed.TotalSeconds).WithOutputs(outDir, result.Files);
        string summary = $"{result.Summary} Wall time {clock.Elapsed.TotalSeconds:F0} s, peak RSS {manifest.Measurements["peak_rss_mib"]:F0} MiB.";
        var page = new ReportPage(result.Title).Paragraph(summary).AddRange(result.Blocks);
        manifest.WithOutputs(outDir, [HtmlReport.Write(page, outDir, manifest)]).Write(Path.Combine(outDir, "manifest.json"));
        Console.WriteLine(TableWriters.Markdown(DetectionReport.ApTable(result.Title, result.Features)));
        if (boxRegression) Console.WriteLine(TableWriters.Markdown(DetectionReport.MapTable(DetectionReport.MapTitle(result.Title), result.Features)));
    }

    /// <summary>The value, or null for NaN/∞ (JSON has no NaN; a mean over no valid class is NaN).</summary>
    internal static double? Finite(double value) => DetectionRun.Finite(value);
}
