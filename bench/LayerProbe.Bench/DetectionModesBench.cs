using System.Diagnostics;
using System.Globalization;
using LayerProbe.Data;
using LayerProbe.Detection;
using LayerProbe.Networks;
using LayerProbe.Proposals;
using LayerProbe.Regions;
using LayerProbe.Scenes;
using LayerProbe.Training;

namespace LayerProbe.Bench;

/// <summary>
/// Detection in warp mode (R-CNN: every region warped through the whole network) against shared-conv mode (SPP-net /
/// Fast R-CNN: the conv layers once per image, RoI pooling), same process, same network, same detector settings
/// (R-CNN's, <see cref="DetectionTaskSettings.Rcnn"/>), on a Fashion-MNIST scenes devkit (<see cref="FashionScenes"/>,
/// 320×240) with selective-search proposals (fast mode, as R-CNN): detection mAP of both and their difference — SPP-net
/// lost about 1–2 points at one scale — and regions/s of the feature computation with the ratio. The network is
/// <c>--model</c>, or CaffeNet-mini (64×64 input) trained here from scratch on the scenes' trainval windows the way R-CNN
/// fine-tunes (<c>voc2007-windows</c>, fg IoU ≥ 0.5, 16 px context). The shared-conv scale defaults to the one that
/// shows objects at about the size warp mode gives them: warp shows a box of side b at (input − 2·16) px, so a
/// typical scene object (sides 40–160 px log-uniform, geometric mean 80) is scaled by (input − 32)/80.
/// Scenes, proposals and the trained network are kept in <c>--work</c> when given; feature stores are always fresh.
/// <c>layerprobe-bench detection-modes [--work DIR] [--images 60] [--seed 1] [--model M [--size N]] [--layers pool5,fc7]
/// [--roi-layer relu5] [--roi-scale S[,S2…]] [--pyramid S1,S2,…] [--c 0.001] [--train-iterations 600]</c>; the last row is SPP-net's
/// multi-scale mode (default pyramid: 1, 1.5, 2, 2.5 × the matched scale, each region at the level where its side is
/// closest to warp mode's object size).
/// </summary>
sealed class DetectionModesBench : IBenchmark
{
    /// <summary>SPP-net's single-scale mAP loss against R-CNN (points), the reference for the difference.</summary>
    const double SppNetLoss = 2;
    const int Context = 16;
    const double TypicalObjectSide = 80; // geometric mean of the scenes' 40–160 px item sides

    public string Name => "detection-modes";
    public string Description => "detection mAP and regions/s of warp vs shared-conv (RoI pooling) on Fashion-MNIST scenes, same network and detectors (SPP-net: ~1-2 mAP points lost at one scale)";

    public int Run(string[] args)
    {
        int images = RegionDevkit.Int(args, "--images", 60), seed = RegionDevkit.Int(args, "--seed", 1);
        string? given = RegionDevkit.Arg(args, "--work");
        string work = given ?? Path.Combine(Path.GetTempPath(), $"layerprobe-detection-modes-{Environment.ProcessId}");
        string stores = Path.Combine(work, $"stores-{Environment.ProcessId}");
        var clock = Stopwatch.StartNew();
        try
        {
            Directory.CreateDirectory(work);
            Console.WriteLine($"[machine shared with other jobs: load {RegionDevkit.Load()}, {Environment.ProcessorCount} cores; one measured run]");
            var sceneSettings = new SceneSettings { Images = images, Seed = seed };
            var scenes = FashionScenes.Generate(sceneSettings, Path.Combine(work, "scenes"), TextWriter.Null);
            string root = scenes.YearFolder;
            string trainProposals = Proposals(root, "trainval", work), testProposals = Proposals(root, "test", work);
            Console.WriteLine($"scenes: {images} images (seed {seed}), selective-search proposals ready after {clock.Elapsed.TotalSeconds:F0} s [load {RegionDevkit.Load()}]");

            string model = RegionDevkit.Arg(args, "--model") ?? TrainMini(root, trainProposals, work, RegionDevkit.Int(args, "--train-iterations", 600), seed);
            int? size = RegionDevkit.Arg(args, "--size") is { } s ? int.Parse(s, CultureInfo.InvariantCulture) : null;
            var network = OnnxNetwork.Load(model).AtInputSide(size);
            var request = PreprocessingRequest.Automatic with { Size = size };
            var (trainItems, preprocessor) = DataSources.Default.Items($"voc2007:{root}:trainval:proposals:{trainProposals}", network, request);
            var (testItems, _) = DataSources.Default.Items($"voc2007:{root}:test:proposals:{testProposals}", network, request);
            using var trainval = (VocRegions)trainItems;
            using var test = (VocRegions)testItems;
            string[] layers = (RegionDevkit.Arg(args, "--layers") ?? "pool5,fc7").Split(',');
            string roiLayer = RegionDevkit.Arg(args, "--roi-layer") ?? "relu5";
            int side = network.InputSize?.Height ?? size ?? OnnxNetwork.DefaultInputSide;
            int matched = (int)Math.Round(sceneSettings.Height * (side - 2.0 * Context) / TypicalObjectSide);
            var scales = RegionDevkit.Arg(args, "--roi-scale") is { } list ? list.Split(',').Select(int.Parse).ToArray() : [matched, 240];
            Console.WriteLine($"network {network.Path} ({side}x{side} input), layers {string.Join(",", layers)}; {trainval.Images} trainval images ({trainval.Count:N0} regions), " +
                              $"{test.Images} test images ({test.Count:N0} regions); shared-conv at {roiLayer}, shorter side {string.Join(", ", scales)} " +
                              $"({matched}: objects at about warp mode's size, ({side} - 2x{Context})/{TypicalObjectSide} of 240)");

            // R-CNN's detector settings; --c replaces its SVM C (0.001, chosen for VOC's 5,011 trainval images)
            var rcnn = DetectionTaskSettings.Rcnn;
            if (RegionDevkit.Arg(args, "--c") is { } c)
                rcnn = rcnn with { Training = rcnn.Training with { Svm = rcnn.Training.Svm with { C = double.Parse(c, CultureInfo.InvariantCulture) } } };
            Console.WriteLine($"detectors: R-CNN's hard-negative mining, SVM C {rcnn.Training.Svm.C}");
            var rows = new List<(string Mode, double Rate, IReadOnlyList<LayerDetection> Results)>
            {
                Mode("warp", rcnn, network, preprocessor, trainval, test, layers, stores, work),
            };
            foreach (int scale in scales)
                rows.Add(Mode($"shared-conv {scale}", rcnn with { SharedConv = new SharedConvSettings { Layer = roiLayer, ShorterSide = scale } },
                    network, preprocessor, trainval, test, layers, stores, work));
            // SPP-net's multi-scale: its 480-1200 span 2.5x; here from the matched scale up, each region at the level where it
            // is closest to warp mode's object size (input - 2x16)
            var pyramid = RegionDevkit.Arg(args, "--pyramid") is { } p ? p.Split(',').Select(int.Parse).ToArray() : [.. new[] { 1, 1.5, 2, 2.5 }.Select(k => (int)Math.Round(k * matched))];
            var multi = new SharedConvSettings { Layer = roiLayer, Scales = pyramid, TargetSide = side - 2 * Context, MaxSide = Math.Max(1000, 2 * pyramid.Max()) };
            rows.Add(Mode($"shared-conv {string.Join("+", pyramid)} (target {side - 2 * Context})", rcnn with { SharedConv = multi },
                network, preprocessor, trainval, test, layers, stores, work));

            Console.WriteLine();
            Console.WriteLine($"| mode | regions/s | ratio | {string.Join(" | ", layers.Select(l => $"mAP {l} | diff"))} |");
            Console.WriteLine($"|---|---:|---:|{string.Concat(layers.Select(_ => "---:|---:|"))}");
            var warp = rows[0];
            foreach (var (mode, rate, results) in rows)
                Console.WriteLine($"| {mode} | {rate:F1} | {rate / warp.Rate:F1}x | " +
                    string.Join(" | ", results.Select((r, l) => $"{100 * r.Result.Mean.ElevenPoint:F1} | {100 * (r.Result.Mean.ElevenPoint - warp.Results[l].Result.Mean.ElevenPoint):+0.0;-0.0;0.0}")) + " |");
            Console.WriteLine($"reference: SPP-net (single scale) lost about 1-{SppNetLoss:F0} mAP points against R-CNN on VOC 2007; total {clock.Elapsed.TotalSeconds:F0} s [load {RegionDevkit.Load()}]");
            return 0;
        }
        finally
        {
            if (Directory.Exists(stores)) Directory.Delete(stores, recursive: true);
            if (given is null && Directory.Exists(work)) Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>One mode: the features of every region of both splits (timed: regions/s), then detection per layer.</summary>
    static (string, double, IReadOnlyList<LayerDetection>) Mode(string mode, DetectionTaskSettings settings, OnnxNetwork network, IPreprocessor preprocessor,
        VocRegions trainval, VocRegions test, string[] layers, string stores, string work)
    {
        var clock = Stopwatch.StartNew();
        var features = RcnnDetectionTask.ExtractFeatures(network, preprocessor, trainval, test, layers, stores, settings, log: TextWriter.Null);
        double seconds = clock.Elapsed.TotalSeconds, rate = (trainval.Count + test.Count) / seconds;
        clock.Restart();
        var results = features.Select(f => RcnnDetectionTask.Detect(f, trainval, test, stores, Path.Combine(work, "detections", string.Concat(mode.Select(c => char.IsLetterOrDigit(c) ? c : '-'))), settings, TextWriter.Null)).ToList();
        Console.WriteLine($"{mode,-16} features {rate,8:F1} regions/s ({trainval.Count + test.Count:N0} regions in {seconds:F1} s), detectors + test {clock.Elapsed.TotalSeconds:F1} s; " +
                          $"mAP {string.Join(", ", results.Select(r => $"{r.Layer} {100 * r.Result.Mean.ElevenPoint:F1}"))} [load {RegionDevkit.Load()}]");
        return (mode, rate, results);
    }

    /// <summary>Selective search (R-CNN's fast mode) on one split; the store is reused when complete.</summary>
    static string Proposals(string root, string split, string work) =>
        ProposalRun.Compute(ImageFileSet.FromSpec($"voc2007:{root}:{split}"), SelectiveSearchSettings.ForMode("fast"), Path.Combine(work, "proposals"),
            Environment.ProcessorCount).Directory;

    /// <summary>
    /// CaffeNet-mini (64×64 input, He init) trained from scratch on the scenes' trainval windows as R-CNN samples its
    /// fine-tuning batches (fg: IoU ≥ 0.5 with a GT box, 16 px context), batches of 64; reused when its last snapshot exists.
    /// </summary>
    static string TrainMini(string root, string proposals, string work, int iterations, int seed)
    {
        string output = Path.Combine(work, $"caffenet-mini-windows-{iterations}-{seed}");
        if (Directory.Exists(output) && SnapshotSet.Complete(output).LastOrDefault() is { Iteration: var done, Onnx: var onnx } && done == iterations) return onnx;
        if (Directory.Exists(output)) Directory.Delete(output, recursive: true);
        var clock = Stopwatch.StartNew();
        var log = TrainingJob.Run(new TrainingJobSettings
        {
            Model = TrainingJobSettings.CaffeNetMini,
            Data = $"{DataSources.WindowsSource}:{root}:trainval",
            DataRequest = new TrainingDataRequest { Windows = new WindowSettings(proposals, "rcnn", 64, Context) },
            // base_lr 0.01 diverged within 5 iterations on Caffe-scaled (0-255) windows with He init; 0.001 learns
            Solver = new SolverSettings { BaseLr = 0.001, StepSize = Math.Max(1, 3 * iterations / 4), MaxIterations = iterations },
            // one torch thread: on the shared 2-core machine two threads ran ~12x slower (as the demo's training section found)
            Options = new TrainerOptions { BatchSize = 64, Seed = seed, OutputDirectory = output, LogInterval = 100, Log = TextWriter.Null, Threads = 1 },
            MsraInit = true,
        });
        var last = SnapshotSet.Complete(output).Last();
        Console.WriteLine($"caffenet-mini trained on the scenes' trainval windows: {iterations} iterations of 64 in {clock.Elapsed.TotalSeconds:F0} s, " +
                          $"smoothed loss {log.Rows[^1].SmoothedLoss:F3} [load {RegionDevkit.Load()}]");
        return last.Onnx;
    }
}
