using System.CommandLine;
using LayerProbe.Data;
using LayerProbe.Training;

namespace LayerProbe.Cli;

/// <summary>
/// <c>layerprobe train --model caffenet-mini|FILE.onnx --data SPEC --iterations N [--finetune all|fc-only] [--snapshot-at …]
/// --out DIR [--resume SNAPSHOT] [--proposals STORE --fg-rule rcnn|gt]</c>: parses the options into a <see cref="TrainingJobSettings"/> and runs the
/// <see cref="TrainingJob"/> (Caffe-style SGD training or fine-tuning with ONNX snapshots, a CSV log and curves in DIR).
/// </summary>
static class TrainCommand
{
    public static Command Create()
    {
        var model = OptionCatalogue.Model($"{TrainingJobSettings.CaffeNetMini} (built for the data) or an ONNX file").WithDeprecated("--net");
        var data = OptionCatalogue.Data("training data (fashion-mnist alone trains on its train split and tests on its test split; or voc2007-windows:DEVKIT:SPLIT)");
        var iterations = new Option<int>("--iterations") { Description = "max_iter", Required = true };
        var batch = OptionCatalogue.Batch("batch size", 64);
        var seed = OptionCatalogue.Seed("seed of init, sampling, augmentation, dropout");
        var snapshots = new Option<string?>("--snapshot-at") { Description = "comma-separated iterations to snapshot at, e.g. 500,1500 (the last iteration always is)" }.WithDeprecated("--snapshots");
        var output = OptionCatalogue.Out("output folder (snapshots, train_log.csv, curves)");
        var resume = new Option<string?>("--resume") { Description = "snapshot ONNX to continue from (its .solverstate and .json beside it), or a folder: its newest complete snapshot" };
        var crop = new Option<int>("--crop") { Description = "random crop size (0: none)", DefaultValueFactory = _ => 0 };
        var mirror = new Option<bool>("--mirror") { Description = "random horizontal mirror" };
        var testInterval = new Option<int>("--test-interval") { Description = "iterations between held-out tests (0: snapshots and end)", DefaultValueFactory = _ => 0 };
        var display = new Option<int>("--display") { Description = "iterations between loss lines in the log (Caffe's display)", DefaultValueFactory = _ => new TrainerOptions().LogInterval };
        var finetune = OptionCatalogue.FineTune(null);
        var freeze = new Option<string?>("--freeze") { Description = "comma-separated layer nodes (node names or their output values) with lr 0" };
        var classifier = new Option<string?>("--classifier") { Description = "the classifier node --finetune replaces (node name or its output value; default: the last fully connected layer before the output)" };
        var divisor = new Option<int>("--width-divisor") { Description = "caffenet-mini: divide CaffeNet's conv widths by this", DefaultValueFactory = _ => 8 };
        var fc = new Option<int>("--fc") { Description = "caffenet-mini: width of fc6 and fc7", DefaultValueFactory = _ => 256 };
        var init = OptionCatalogue.Choice("--init", "caffenet-mini: caffe (the paper's Gaussian fillers) or msra (He: std sqrt(2/fan-in); learns from scratch without the ln(classes) plateau)", ["caffe", "msra"], "caffe");
        var threads = OptionCatalogue.TorchThreads();
        var test = OptionCatalogue.Test("image data: labelled items for the held-out top-1 (same classes as --data)", required: false).WithDeprecated("--held-out");
        var command = new Command("train", "Train or fine-tune a network with Caffe SGD; snapshots are ONNX files.")
            { model, data, iterations, batch, seed, snapshots, output, resume, crop, mirror, testInterval, display, finetune, freeze, divisor, fc, init, threads };
        var windows = new WindowOptions();
        windows.AddTo(command);
        command.Options.Add(test);
        var solverOptions = new SolverOptions(defaultLr: 0.01);
        solverOptions.AddTo(command);
        command.Options.Add(classifier);
        var device = new DeviceOption();
        device.AddTo(command);
        var preprocess = new PreprocessOptions("image data: input side (default: the network's declared input)");
        preprocess.AddTo(command);
        command.SetAction(parse => Cli.Guard(() =>
        {
            device.RequireCpu(parse, "train");
            string outDir = OutputFolder.Prepare(parse.GetValue(output)!); // not first found at the first snapshot
            int maxIter = parse.GetValue(iterations);
            var job = new TrainingJobSettings
            {
                Model = parse.GetValue(model)!, Data = parse.GetValue(data)!, Resume = parse.GetValue(resume),
                DataRequest = new TrainingDataRequest
                {
                    Windows = windows.Settings(parse),
                    HeldOut = parse.GetValue(test), Preprocessing = preprocess.Request(parse),
                },
                Solver = solverOptions.Settings(parse, maxIter),
                Options = new TrainerOptions
                {
                    BatchSize = parse.GetValue(batch), Seed = parse.GetValue(seed), Augmentation = new Augmentation(parse.GetValue(crop), parse.GetValue(mirror)),
                    TestInterval = parse.GetValue(testInterval), LogInterval = parse.GetValue(display), OutputDirectory = outDir,
                    Snapshots = SolverOptions.ParseIterations(parse.GetValue(snapshots), "--snapshot-at"),
                    Threads = parse.GetValue(threads), Log = Console.Out, Classifier = parse.GetValue(classifier),
                },
                FineTune = parse.GetValue(finetune) is { } mode ? FineTuningModes.Parse(mode) : null,
                Freeze = parse.GetValue(freeze)?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) ?? [],
                WidthDivisor = parse.GetValue(divisor), FcWidth = parse.GetValue(fc), MsraInit = parse.GetValue(init) == "msra",
            };
            var log = TrainingJob.Run(job);
            var last = log.Rows[^1];
            Console.WriteLine($"trained to iteration {last.Iteration}: loss {last.SmoothedLoss:F4} (smoothed)" +
                (last.TestAccuracy is { } a ? $", held-out top-1 {a:P2}" : "") + $"; log {Path.Combine(outDir, "train_log.csv")}");
        }));
        return command;
    }
}
