using System.CommandLine;
using LayerProbe.Data;
using LayerProbe.Studies;
using LayerProbe.Training;

namespace LayerProbe.Cli;

/// <summary>
/// <c>layerprobe short-pretraining --early DIR/snapshot_iter_N.onnx --final DIR/snapshot_iter_M.onnx --data NAME
/// --iterations K [--lr … --lr-policy …] --trainval SPEC --test SPEC --out DIR</c>: both snapshots fine-tuned with one recipe, then probed
/// layer by layer (paper Table 5, "50-50").
/// </summary>
static class ShortPretrainingCommand
{
    public static Command Create()
    {
        var early = new Option<string>("--early") { Description = "early snapshot (…_iter_N.onnx)", Required = true };
        var final = new Option<string>("--final") { Description = "final snapshot of the same run", Required = true };
        var data = OptionCatalogue.Data("fine-tuning data, as for train (e.g. fashion-mnist:train:classes=5-9)");
        var iterations = new Option<int>("--iterations") { Description = "fine-tuning iterations", Required = true };
        var batch = OptionCatalogue.Batch("fine-tuning batch size", 64);
        var mode = OptionCatalogue.FineTune("all");
        var seed = OptionCatalogue.Seed("seed of the fine-tuning (classifier init, sampling, dropout)");
        var threads = OptionCatalogue.TorchThreads();
        var heFc = new Option<bool>("--he-fc-init") { Description = "fc-only: re-draw fc6/fc7 with He init (for He-initialised networks) instead of Gaussian 0.005 / bias 1" };
        var study = new StudyOptions();
        var command = new Command("short-pretraining", "Fine-tune an early and the final snapshot the same way and probe both (paper Table 5).")
            { early, final, data, iterations, batch, mode, seed, threads, heFc };
        var solverOptions = new SolverOptions(defaultLr: 0.001);
        solverOptions.AddTo(command);
        study.AddTo(command);
        command.SetAction(parse => Cli.Guard(() =>
        {
            study.Device(parse);
            var start = SnapshotFolder.ReadOne(parse.GetValue(early)!);
            var end = SnapshotFolder.ReadOne(parse.GetValue(final)!);
            var ftMode = FineTuningModes.Parse(parse.GetValue(mode)!);
            string dataName = parse.GetValue(data)!;
            var (train, test) = DataSources.Default.Training(dataName, new TrainingDataRequest
            {
                Network = end.Network, Preprocessing = DataSources.Default.IsImageData(dataName) ? study.Preprocessing(parse) : null, Log = Console.Error,
            });
            int maxIter = parse.GetValue(iterations);
            var recipe = new FineTuneRecipe(train, test,
                solverOptions.Settings(parse, maxIter),
                new TrainerOptions { BatchSize = parse.GetValue(batch), Seed = parse.GetValue(seed), Threads = parse.GetValue(threads), Log = Console.Out })
                { HeFcInit = parse.GetValue(heFc) };
            var layers = study.Layers(parse);
            var task = study.Task(parse, end.Network);
            string output = study.Output(parse);
            var result = ShortPretrainingStudy.Run(start, end, recipe, ftMode, layers, task, output, task.Split.Test.Name);
            var files = result.Files.Concat([$"ft-from-iter-{start.Iteration}.onnx", $"ft-from-iter-{end.Iteration}.onnx"]).ToList();
            StudyManifest.Write("short-pretraining", output, task, [("early", start.Network), ("final", end.Network)], layers, files,
                new() { ["finetune"] = parse.GetValue(mode), ["data"] = train.Name, ["solver"] = recipe.Solver, ["batch"] = recipe.Options.BatchSize, ["seed"] = recipe.Options.Seed, ["he_fc_init"] = recipe.HeFcInit,
                        ["held_out_top1"] = result.HeldOutTop1 });
            Console.WriteLine(File.ReadAllText(Path.Combine(output, "short-pretraining.md")));
        }));
        return command;
    }
}
