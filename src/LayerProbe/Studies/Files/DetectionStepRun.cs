using System.Diagnostics;
using LayerProbe.Data;
using LayerProbe.Detection;
using LayerProbe.Features;
using LayerProbe.Networks;
using LayerProbe.Regions;
using LayerProbe.Reports;

namespace LayerProbe.Studies.Files;

/// <summary>
/// Runs a <see cref="DetectionStep"/>: the region data (made from scenes, or the step's data specifications), then per
/// network and region mode one <see cref="DetectionRun"/> (before and after fine-tuning for detection), then the
/// step's overview tables (mAP per feature and mode, with box regression; cost and regions/s per mode; before/after
/// fine-tuning) and the paper's tables beside, then each run's own tables, curves and pictures.
/// </summary>
static class DetectionStepRun
{
    /// <summary>One run of one network in one region mode.</summary>
    sealed record Outcome(string Label, string Mode, DetectionRunResult Result);

    public static DemoSection Run(DetectionStep step, StudyContext context)
    {
        var log = context.Log;
        string folder = step.Folder!;
        string directory = Path.Combine(context.Report, folder);
        var clock = Stopwatch.StartNew();
        var (trainSpec, testSpec, dataText) = Data(step, context);
        double dataSeconds = clock.Elapsed.TotalSeconds;

        var detail = new ReportPage("");
        var files = new List<string>();
        var outcomes = new List<Outcome>();
        var comparisons = new List<DetectionComparison>();
        var measurements = new Dictionary<string, double> { ["data_seconds"] = dataSeconds };
        IReadOnlyList<string> classes = [];
        string? quality = null;
        foreach (var run in step.Runs)
        {
            if (run.TrainingSkipped)
            {
                detail.Paragraph($"**{run.Name}** was not run: the training step that writes the `{run.Trained}` network was skipped.");
                continue;
            }
            var runClock = Stopwatch.StartNew();
            var (model, network, request, title) = StudyPlace.Guard(run.Where, $"runs.{run.Name}", () => Network(run, context));
            string label = run.Title ?? title;
            DetectionRunResult? before = null, after = null;
            using (var split = OpenRegions(run, trainSpec, testSpec, network, request))
            {
                classes = split.TrainVal.Classes;
                quality ??= Quality(split.TrainVal, split.Test);
                before = Modes(step, run, context, label, network, split, outcomes, detail, files, measurements);
                if (run.FineTune is { } recipe)
                {
                    var tuned = StudyPlace.Guard(run.Where, $"runs.{run.Name}.finetune", () =>
                        DetectionFineTuning.Run(model, network, request, split.Warp, split.TrainVal, run.Context, recipe, Path.Combine(context.Study.Output, "cache"), log));
                    if (tuned.Trained) measurements[$"{DetectionPaperTables.Safe(run.Name)}.finetune_seconds"] = tuned.Seconds;
                    var ftNetwork = Adapt(tuned.Network, request);
                    using var ftSplit = OpenRegions(run, trainSpec, testSpec, ftNetwork, request);
                    after = Modes(step, run, context, $"{label} FT", ftNetwork, ftSplit, outcomes, detail, files, measurements);
                }
            }
            comparisons.Add(new DetectionComparison(label, before, after));
            measurements[$"{DetectionPaperTables.Safe(run.Name)}.seconds"] = runClock.Elapsed.TotalSeconds;
        }

        var page = new ReportPage("").Heading(1, step.Heading).Paragraph(dataText + (quality is null ? "" : " " + quality));
        if (outcomes.Count > 0)
        {
            foreach (var (stem, table) in Overview(outcomes, step.Settings.BoxRegression is not null).Concat(FineTuneTables(comparisons)))
                files.AddRange(Add(page, table, directory, folder, stem));
            foreach (var name in step.Paper)
                foreach (var (stem, table) in DetectionPaperTables.Beside(name, comparisons, classes))
                    files.AddRange(Add(page, table, directory, folder, stem));
            if (step.Paper.Count > 0)
                page.Paragraph("The paper's numbers are CaffeNet on PASCAL VOC 2007 (5,011 training images, ~2,000 proposals each); on other networks or data compare the trends " +
                               "(fc layers gain most from fine-tuning for detection; box regression adds a few points), not the values.");
        }
        page.Paragraph("Time: " + string.Join("; ", measurements.Where(m => m.Key is "data_seconds" || m.Key.EndsWith(".seconds", StringComparison.Ordinal) || m.Key.EndsWith(".finetune_seconds", StringComparison.Ordinal))
            .Select(m => $"{(m.Key == "data_seconds" ? "scenes and proposals" : m.Key.Replace(".seconds", "", StringComparison.Ordinal).Replace(".finetune_seconds", " fine-tuning for detection", StringComparison.Ordinal))} {m.Value:F0} s")) + ".");
        page.AddRange(detail.Blocks);
        return new DemoSection(folder, page.Blocks, files, measurements);
    }

    /// <summary>The region data: scenes and proposals made under the study's cache, or the step's data specifications.</summary>
    static (string TrainVal, string Test, string Text) Data(DetectionStep step, StudyContext context)
    {
        if (step.Scenes is not { } scenes)
        {
            var entry = context.Study.Data.First(d => d.Name == step.Data);
            return (entry.TrainVal, entry.Test, $"Region items of data '{entry.Name}': trainval `{entry.TrainVal}`, test `{entry.Test}`.");
        }
        var made = SceneRegions.Prepare(scenes, step.ProposalMode, step.MaxProposals, Path.Combine(context.Study.Output, "cache"), context.Log);
        string text = $"Fashion-MNIST scenes made by the step ({scenes.Images} images of {scenes.Width}×{scenes.Height}, seed {scenes.Seed}, " +
                      $"{scenes.TestPercent} % test; {SceneRegionsText(made)}), selective search ({step.ProposalMode}) proposals" +
                      (step.MaxProposals is { } n ? $", the first {n} per image in R-CNN's rank order" : "") + ".";
        return (made.Specification("trainval"), made.Specification("test"), text);
    }

    static string SceneRegionsText(SceneRegionData made) => made.Seconds > 0 ? $"made in {made.Seconds:F0} s" : "found in the cache";

    static string Quality(VocRegions trainval, VocRegions test)
    {
        var (perImage, recall, mabo) = SceneRegions.Quality(test);
        var (trainPerImage, _, _) = SceneRegions.Quality(trainval);
        return $"Proposals: {trainPerImage:F0} per trainval image, {perImage:F0} per test image; on test they recall {100 * recall:F1} % of the ground-truth boxes " +
               $"at IoU ≥ 0.5 (mean best overlap {mabo:F3}). Trainval: {trainval.Images} images, {trainval.Count:N0} regions; test: {test.Images} images, {test.Count:N0} regions.";
    }

    /// <summary>The network of a run: a network of the study (as the study loads it) or one the training step wrote.</summary>
    static (string Model, OnnxNetwork Network, PreprocessingRequest Request, string Title) Network(DetectionRunPlan run, StudyContext context)
    {
        if (run.Network is { } name)
        {
            var entry = context.NetworkEntry(name);
            if (run.Size is null) return (entry.Model, context.Network(name).Adapted, entry.Preprocessing, entry.Title);
            entry = entry with { Preprocessing = entry.Preprocessing with { Size = run.Size } };
            return (entry.Model, entry.Load().Adapted, entry.Preprocessing, entry.Title);
        }
        string file = Path.Combine(context.Study.Output, "training", run.Trained + ".onnx");
        if (!File.Exists(file)) throw LayerProbeException.For(file, "not found: the training step writes it (was it skipped?)");
        var request = PreprocessingRequest.Automatic with { Size = run.Size };
        return (file, Adapt(OnnxNetwork.Load(file), request), request, $"CaffeNet-mini {run.Trained} (demo training)");
    }

    /// <summary>As the study adapts its networks: a requested side or a fixed batch of 1 gets a dynamic input.</summary>
    static OnnxNetwork Adapt(OnnxNetwork network, PreprocessingRequest request) =>
        request.Size is not null || network.InputShape.FirstOrDefault() == 1 ? network.WithInput(request.Size, request.Size) : network;

    sealed record Split(VocRegions TrainVal, VocRegions Test, IPreprocessor Warp) : IDisposable
    {
        public void Dispose() { TrainVal.Dispose(); Test.Dispose(); }
    }

    static Split OpenRegions(DetectionRunPlan run, string trainSpec, string testSpec, OnnxNetwork network, PreprocessingRequest request) =>
        StudyPlace.Guard(run.Where, $"runs.{run.Name}", () =>
        {
            var (train, warp) = ItemSetSources.Create(run.WithContext(trainSpec), network, request, "trainval");
            var (test, _) = ItemSetSources.Create(run.WithContext(testSpec), network, request, "test");
            if (train is not VocRegions trainval || test is not VocRegions testRegions)
            {
                (train as IDisposable)?.Dispose();
                (test as IDisposable)?.Dispose();
                throw new LayerProbeException($"detection needs region items (voc2007:DEVKIT:SPLIT:proposals:STORE, or scenes: in the step), not '{trainSpec}' / '{testSpec}'");
            }
            return new Split(trainval, testRegions, warp);
        });

    /// <summary>Detection in each region mode of the run; returns the first mode's result.</summary>
    static DetectionRunResult Modes(DetectionStep step, DetectionRunPlan run, StudyContext context, string label, OnnxNetwork network, Split split,
        List<Outcome> outcomes, ReportPage detail, List<string> files, Dictionary<string, double> measurements)
    {
        DetectionRunResult? first = null;
        foreach (var mode in run.Regions)
        {
            string sub = DetectionPaperTables.Safe($"{label}-{mode}").ToLowerInvariant();
            var request = new DetectionRunRequest
            {
                Network = network, ModelName = label, Preprocessor = split.Warp, TrainVal = split.TrainVal, Test = split.Test, Layers = run.Layers,
                StoreRoot = context.FeatureRoot, OutputDirectory = Path.Combine(context.Report, step.Folder!, sub),
                Settings = step.Settings with { SharedConv = mode == "shared-conv" ? run.SharedConv : null },
                Extraction = context.Study.Extraction, Transforms = run.Transforms, TransformLayer = run.TransformLayer,
            };
            var result = StudyPlace.Guard(run.Where, $"runs.{run.Name}", () => DetectionRun.Run(request, context.Log));
            string prefix = $"{step.Folder}/{sub}";
            detail.Heading(2, $"{label}: {mode} regions").Paragraph(result.Summary)
                .AddRange(result.Blocks.Select(b => b is ReportFigure f ? f with { Stem = $"{prefix}/{f.Stem}" } : b));
            files.AddRange(result.Files.Select(f => $"{prefix}/{f}"));
            outcomes.Add(new Outcome(label, mode, result));
            if (result.Extraction.RegionsPerSecond is { } rate) measurements[$"{sub}.regions_per_second"] = rate;
            measurements[$"{sub}.extraction_seconds"] = result.Extraction.Seconds;
            measurements[$"{sub}.detect_seconds"] = result.DetectSeconds;
            foreach (var f in result.Features)
                if (DetectionRun.Finite(100 * f.Result.Mean.ElevenPoint) is { } map) measurements[$"{sub}.map.{f.Layer}"] = map;
            first ??= result;
        }
        return first!;
    }

    /// <summary>mAP per feature and region mode (and after box regression), and what each run's extraction and detection cost.</summary>
    static IEnumerable<(string Stem, ResultTable Table)> Overview(IReadOnlyList<Outcome> outcomes, bool boxRegressionAsked)
    {
        var modes = outcomes.Select(o => o.Mode).Distinct().ToList();
        bool regressed = outcomes.Any(o => o.Result.Features.Any(f => f.Regressed is not null));
        var columns = modes.SelectMany(m => regressed ? new[] { $"mAP {m}", $"mAP + BB {m}" } : [$"mAP {m}"]).ToList();
        var map = new ResultTable("Detection mAP (%) per network and feature" + (modes.Count > 1 ? ", warped regions beside shared-conv" : ""), "network / feature", columns);
        foreach (var label in outcomes.Select(o => o.Label).Distinct())
            foreach (var feature in outcomes.First(o => o.Label == label).Result.Features.Select(f => f.Layer))
                map.Add($"{label} {feature}", modes.SelectMany(m =>
                {
                    var f = outcomes.FirstOrDefault(o => o.Label == label && o.Mode == m)?.Result.Features.FirstOrDefault(x => x.Layer == feature);
                    double? plain = f is null ? null : DetectionRun.Finite(100 * f.Result.Mean.ElevenPoint);
                    double? boxes = f?.Regressed is { } r ? DetectionRun.Finite(100 * r.Mean.ElevenPoint) : null;
                    return regressed ? new[] { plain, boxes } : [plain];
                }));
        if (!regressed) map.Note(boxRegressionAsked ? "Box regression was asked for, but no feature has regressed detections (this build's detection task does not apply it yet)."
            : "Without bounding-box regression (box_regression: true adds the mAP + BB columns).");
        yield return ("detection-map", map);

        var cost = new ResultTable("Detection cost per network and region mode: extraction (first layer of every trainval and test region) and detection (training and testing every feature)",
            "network / mode", ["regions", "extraction s", "regions/s", "detection s"]) { Format = "G4" };
        foreach (var o in outcomes)
            cost.Add($"{o.Label} {o.Mode}", [o.Result.Extraction.Regions, o.Result.Extraction.Seconds, o.Result.Extraction.RegionsPerSecond is { } r ? Math.Round(r) : null, o.Result.DetectSeconds]);
        if (outcomes.Any(o => o.Result.Extraction.Reused))
            cost.Note("Rows with 0 regions reused stores an earlier run extracted (content-addressed), so their extraction speed is not measured here.");
        yield return ("detection-cost", cost);
    }

    /// <summary>Per fine-tuned network: mAP per layer before and after fine-tuning for detection, with the gain.</summary>
    static IEnumerable<(string Stem, ResultTable Table)> FineTuneTables(IReadOnlyList<DetectionComparison> comparisons)
    {
        foreach (var c in comparisons.Where(c => c.After is not null))
        {
            var table = new ResultTable($"{c.Label}: detection mAP (%) before and after fine-tuning for detection", "feature", ["before", "after FT", "Δ"]);
            foreach (var f in c.Before.Features)
            {
                double? b = DetectionRun.Finite(100 * f.Result.Mean.ElevenPoint);
                double? a = c.After!.Features.FirstOrDefault(x => x.Layer == f.Layer) is { } af ? DetectionRun.Finite(100 * af.Result.Mean.ElevenPoint) : null;
                table.Add(f.Layer, [b, a, a - b]);
            }
            yield return ($"detection-finetune-{DetectionPaperTables.Safe(c.Label)}", table);
        }
    }

    static IEnumerable<string> Add(ReportPage page, ResultTable table, string directory, string folder, string stem)
    {
        page.Table(table);
        return TableWriters.WriteAll(table, directory, stem).Select(f => $"{folder}/{f}");
    }
}
