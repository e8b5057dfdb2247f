using System.CommandLine;
using System.Diagnostics;
using LayerProbe.Studies;
using LayerProbe.Training;

namespace LayerProbe.Cli;

/// <summary>
/// <c>layerprobe short-pretraining --early DIR/snapshot_iter_N.onnx --final DIR/snapshot_iter_M.onnx --data NAME
/// --iterations K [--lr … --lr-policy …] --trainval SPEC --test SPEC --out DIR</c>: both snapshots fine-tuned with one recipe
/// (<see cref="FineTuneRecipe.Open"/>), then probed layer by layer (paper Table 5, "50-50"); on region items both are
/// fine-tuned for detection (R-CNN's windows of the trainval split, <c>--data</c> optional) and detect per layer.
/// </summary>
static class ShortPretrainingCommand
{
    public static Command Create()
    {
        var early = new Option<string>("--early") { Description = "early snapshot (…_iter_N.onnx)", Required = true };
        var final = new Option<string>("--final") { Description = "final snapshot of the same run", Required = true };
        var data = OptionCatalogue.Data("fine-tuning data, as for train (e.g. fashion-mnist:train:classes=5-9); on region items " +
            "--trainval/--test the default is R-CNN's windows of the trainval split with its proposals store", required: false);
        var iterations = new Option<int>("--iterations") { Description = "fine-tuning iterations", Required = true };
        var batch = OptionCatalogue.Batch("fine-tuning batch size", 64);
        var mode = OptionCatalogue.FineTune("all");
        var seed = OptionCatalogue.Seed("seed of the fine-tuning (classifier init, sampling, dropout)");
        var threads = OptionCatalogue.TorchThreads();
        var heFc = new Option<bool>("--he-fc-init") { Description = "fc-only: re-draw fc6/fc7 with He init (for He-initialised networks) instead of Gaussian 0.005 / bias 1" };
        var study = new StudyOptions();
        var command = new Command("short-pretraining", "Fine-tune an early and the final snapshot the same way and probe both, or detect with both on region items (paper Table 5).")
            { early, final, data, iterations, batch, mode, seed, threads, heFc };
        var windows = new WindowOptions();
        windows.AddTo(command);
        var solverOptions = new SolverOptions(defaultLr: 0.001);
        solverOptions.AddTo(command);
        study.AddTo(command);
        command.SetAction(parse => Cli.Guard(() =>
        {
            study.Device(parse);
            var start = SnapshotFolder.ReadOne(parse.GetValue(early)!);
            var end = SnapshotFolder.ReadOne(parse.GetValue(final)!);
            var ftMode = FineTuningModes.Parse(parse.GetValue(mode)!);
            using var detection = study.DetectionTask(parse);
            var window = windows.Settings(parse);
            var (dataName, windowSettings) = parse.GetValue(data) is { } given ? (given, window)
                : detection is not null ? FineTuneRecipeRequest.WindowsOf(detection.TrainVal, window)
                : throw LayerProbeException.For("--data", "fine-tuning data are required unless --trainval and --test are region items (then R-CNN's windows of the trainval split)");
            var recipe = FineTuneRecipe.Open(new FineTuneRecipeRequest
            {
                Data = dataName, Windows = windowSettings, Network = end.Network, Preprocessing = study.Preprocessing(parse),
                Solver = solverOptions.Settings(parse, parse.GetValue(iterations)),
                Options = new TrainerOptions { BatchSize = parse.GetValue(batch), Seed = parse.GetValue(seed), Threads = parse.GetValue(threads), Log = Console.Out },
                HeFcInit = parse.GetValue(heFc),
            });
            var layers = study.Layers(parse, detection is not null);
            var recorded = new Dictionary<string, object?>
            {
                ["finetune"] = parse.GetValue(mode), ["data"] = recipe.Train.Name, ["windows"] = WindowsOrNull(dataName, windowSettings), ["solver"] = recipe.Solver,
                ["batch"] = recipe.Options.BatchSize, ["seed"] = recipe.Options.Seed, ["he_fc_init"] = recipe.HeFcInit,
            };
            var tunedFiles = new[] { ShortPretrainingStudy.TunedFile(start.Iteration), ShortPretrainingStudy.TunedFile(end.Iteration) };
            if (detection is not null)
            {
                string report = OutputFolder.Prepare(study.Output(parse));
                var clock = Stopwatch.StartNew();
                var found = ShortPretrainingDetection.Run(start, end, recipe, ftMode, layers, detection, report, detection.Test.Name);
                var tuned = tunedFiles.Zip(found.Tuned);
                StudyManifest.Write("short-pretraining", report, detection, [("early", start.Network), ("final", end.Network), .. tuned], layers, found.Grid,
                    [.. found.Files, .. tunedFiles], clock.Elapsed, recorded);
                foreach (var stem in new[] { "short-pretraining-detection", "short-pretraining-detection-per-class", "short-pretraining-detection-vs-paper" })
                    Console.WriteLine(File.ReadAllText(Path.Combine(report, stem + ".md")));
                return;
            }
            var task = study.Task(parse, end.Network);
            string output = study.Output(parse);
            var result = ShortPretrainingStudy.Run(start, end, recipe, ftMode, layers, task, output, task.Split.Test.Name);
            recorded["held_out_top1"] = result.HeldOutTop1;
            StudyManifest.Write("short-pretraining", output, task, [("early", start.Network), ("final", end.Network)], layers, [.. result.Files, .. tunedFiles], recorded);
            Console.WriteLine(File.ReadAllText(Path.Combine(output, "short-pretraining.md")));
        }));
        return command;
    }

    /// <summary>The window settings when the data are R-CNN windows (null otherwise), for the manifest.</summary>
    static object? WindowsOrNull(string data, Data.WindowSettings windows) => Data.DataSources.IsWindowData(data) ? windows : null;
}
