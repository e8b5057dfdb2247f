using System.CommandLine;
using System.Globalization;
using LayerProbe.Detection;
using LayerProbe.Features;
using LayerProbe.Reports;

namespace LayerProbe.Cli;

/// <summary>
/// <c>layerprobe detect --detectors F.lpdet --test voc2007:DEVKIT:SPLIT:proposals:STORE --features STORE --out DIR</c>:
/// R-CNN's test-time detection with saved detectors (a <c>probe</c> run on region items writes them under
/// <c>features/detectors/</c>) on a test split's stored region features: pruning, NMS, VOC 2007 detection AP per class,
/// comp4 files, PR curves, pictures. With <c>--box-regressors F.lpbox</c> (written beside the detectors by <c>probe
/// --box-regression</c>) the pruned detections are also moved by saved box regressors, reading their feature from
/// <c>--regression-features</c> (default: <c>--features</c>), and evaluated again (<c>bbox-reg/results/…</c>).
/// </summary>
static class DetectCommand
{
    public static Command Create()
    {
        var detectors = new Option<string>("--detectors") { Description = "detector file (.lpdet) written by probe on region items", Required = true };
        var test = OptionCatalogue.Test("the test split's region items, voc2007:DEVKIT:SPLIT:proposals:STORE");
        var features = new Option<string>("--features") { Description = "the complete feature store of those regions, of the detectors' layer (its region table beside it)", Required = true };
        var output = OptionCatalogue.Out("output folder (tables, results/YEAR/Main/comp4_det_*.txt, PR curves, pictures)");
        var perImage = new Option<int>("--max-per-image") { Description = "boxes kept per image and class before the global threshold (R-CNN: 100)", DefaultValueFactory = _ => DetectionSettings.Rcnn.MaxPerImage };
        var overall = new Option<int>("--boxes-per-image") { Description = "boxes per test image each class keeps overall (R-CNN: 40)", DefaultValueFactory = _ => DetectionSettings.Rcnn.BoxesPerImageOverall };
        var boxRegressors = new Option<string?>("--box-regressors") { Description = "box regressors (.lpbox, written beside the detectors by probe --box-regression): also report AP after box regression" };
        var regressionFeatures = new Option<string?>("--regression-features") { Description = "the test regions' feature store the box regressors read (R-CNN: pool5; default: --features)" };
        var nms = new Option<double>("--nms") { Description = "NMS drops boxes overlapping a better one by more than this IoU (R-CNN: 0.3)", DefaultValueFactory = _ => DetectionSettings.Rcnn.NmsOverlap };
        var command = new Command("detect", "Detect with saved detectors on stored region features (pruning, NMS, VOC 2007 detection AP).")
            { detectors, test, features, output, perImage, overall, nms, boxRegressors, regressionFeatures };
        command.SetAction(parse => Cli.Guard(() =>
        {
            string outDir = OutputFolder.Prepare(parse.GetValue(output)!);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var settings = DetectionSettings.Rcnn with { MaxPerImage = parse.GetValue(perImage), BoxesPerImageOverall = parse.GetValue(overall), NmsOverlap = parse.GetValue(nms) };
            settings.Validate();
            string file = parse.GetValue(detectors)!, store = Path.GetFullPath(parse.GetValue(features)!);
            var set = DetectorSetFile.Read(file);
            string? regressorFile = parse.GetValue(boxRegressors);
            var regressors = regressorFile is null ? null : BoxRegressors.Load(regressorFile);
            string regressionStore = Path.GetFullPath(parse.GetValue(regressionFeatures) ?? store);
            using var regions = ItemSetSources.RegionItems(parse.GetValue(test)!, "--test");
            string year = Path.GetFileName(Path.TrimEndingDirectorySeparator(regions.Devkit.Root));
            string comp4 = Comp4Files.Folder(outDir, year), bbComp4 = Comp4Files.Folder(Path.Combine(outDir, "bbox-reg"), year);
            var pruned = DetectionTest.Prune(set, regions, store, Path.GetDirectoryName(store)!, settings, file);
            var moved = regressors is null ? null : BoxRegressionTest.Apply(regressors, pruned, regions, regressionStore, regressorFile!);
            var result = DetectionTest.Evaluate(pruned, regions, comp4);
            var layer = new LayerDetection(set.Layer, set.Models.First(m => m is not null)?.Weights.Length ?? 0, result, null, file, store, comp4, set.Scaling);
            if (moved is not null)
                layer = layer with
                {
                    Regressed = DetectionTest.Evaluate(moved, regions, bbComp4),
                    Regression = BoxRegressionRun.Of(regressors!, Path.GetFullPath(regressorFile!), null, moved.Seconds - pruned.Seconds, bbComp4),
                };
            string title = $"Detection AP (%) of {Path.GetFileName(file)} ({set.Layer}) on {regions.Name}";
            var (blocks, files) = DetectionReport.Write(outDir, "detection", title, [layer], regions);
            var manifest = new Manifest
            {
                Task = "detect",
                Inputs = { ["detectors"] = Path.GetFullPath(file), ["test"] = $"{regions.Name} {regions.Fingerprint} proposals {regions.ProposalsDirectory}", ["features"] = store },
                Settings = { ["detection"] = settings, ["layer"] = set.Layer, ["scaling"] = set.Scaling, ["box_regression"] = regressors?.Settings,
                    ["box_regression_feature"] = regressors?.Layer, ["box_regression_scaling"] = regressors?.Scaling },
                Measurements = { ["wall_seconds"] = clock.Elapsed.TotalSeconds, ["peak_rss_mib"] = ResourceUsage.PeakRssMegabytes(), ["proposals"] = result.ProposalsScored },
            }.WithOutputs(outDir, files);
            if (ProbeDetection.Finite(result.ProposalsPerSecond) is { } rate) manifest.Measurements["proposals_per_second"] = rate;
            if (ProbeDetection.Finite(result.Mean.ElevenPoint) is { } map) manifest.Measurements["map"] = map;
            if (layer.Regressed is { } bb && ProbeDetection.Finite(bb.Mean.ElevenPoint) is { } mapBb) manifest.Measurements["map_bb"] = mapBb;
            if (layer.Regression is { } run)
            {
                manifest.Inputs["box_regressors"] = run.RegressorFile;
                manifest.Inputs["regression_features"] = regressionStore;
                manifest.Measurements["box_regression_seconds"] = run.ApplySeconds;
            }
            var page = new ReportPage(title).Paragraph(string.Create(CultureInfo.InvariantCulture,
                $"{result.ProposalsScored:N0} proposals of {result.Images} images scored, pruned and suppressed in {result.ScoringSeconds:F1} s ({result.ProposalsPerSecond:N0}/s).")).AddRange(blocks);
            manifest.WithOutputs(outDir, [HtmlReport.Write(page, outDir, manifest)]).Write(Path.Combine(outDir, "manifest.json"));
            Console.WriteLine(TableWriters.Markdown(DetectionReport.ApTable(title, [layer])));
            if (layer.Regressed is not null) Console.WriteLine(TableWriters.Markdown(DetectionReport.MapTable(DetectionReport.MapTitle(title), [layer])));
            if (result.Note is { } note) Console.WriteLine(note);
        }));
        return command;
    }
}
