using System.CommandLine;
using Google.Protobuf;
using LayerProbe.Data;
using LayerProbe.Networks;
using LayerProbe.Training;

namespace LayerProbe.Cli;

/// <summary>
/// <c>layerprobe train --net caffenet-mini|FILE.onnx --data NAME --iterations N --batch B --lr … [--lr-policy step|multistep|poly|…] --snapshots …
/// --out DIR [--resume SNAPSHOT] [--proposals STORE --fg-rule rcnn|gt]</c>: Caffe-style SGD training or fine-tuning with snapshots (ONNX + manifest +
/// solver state), a CSV log and loss/accuracy curves in DIR. A final snapshot is always written.
/// </summary>
static class TrainCommand
{
    public static Command Create()
    {
        var net = new Option<string>("--net") { Description = "caffenet-mini (built for the data) or an ONNX file", Required = true };
        var data = new Option<string>("--data") { Description = "training data name, e.g. fashion-mnist", Required = true };
        var iterations = new Option<int>("--iterations") { Description = "max_iter", Required = true };
        var batch = new Option<int>("--batch") { Description = "batch size", DefaultValueFactory = _ => 64 };
        var seed = new Option<int>("--seed") { Description = "seed of init, sampling, augmentation, dropout", DefaultValueFactory = _ => 0 };
        var snapshots = new Option<string>("--snapshots") { Description = "comma-separated iterations, e.g. 500,1500" };
        var output = new Option<string>("--out") { Description = "output folder", Required = true };
        var resume = new Option<string?>("--resume") { Description = "snapshot ONNX to continue from (its .solverstate and .json beside it), or a folder: its newest complete snapshot" };
        var crop = new Option<int>("--crop") { Description = "random crop size (0: none)", DefaultValueFactory = _ => 0 };
        var mirror = new Option<bool>("--mirror") { Description = "random horizontal mirror" };
        var testInterval = new Option<int>("--test-interval") { Description = "iterations between held-out tests (0: snapshots and end)", DefaultValueFactory = _ => 0 };
        var finetune = new Option<string?>("--finetune") { Description = "all | fc-only: replace the classifier (found from the graph, or --classifier) by a data-sized one (R-CNN recipe)" };
        var freeze = new Option<string?>("--freeze") { Description = "comma-separated layer nodes (node names or their output values) with lr 0" };
        var classifier = new Option<string?>("--classifier") { Description = "the classifier node --finetune replaces (node name or its output value; default: the last fully connected layer before the output)" };
        var divisor = new Option<int>("--width-divisor") { Description = "caffenet-mini: divide CaffeNet's conv widths by this", DefaultValueFactory = _ => 8 };
        var fc = new Option<int>("--fc") { Description = "caffenet-mini: width of fc6 and fc7", DefaultValueFactory = _ => 256 };
        var init = new Option<string>("--init") { Description = "caffenet-mini: caffe (the paper's Gaussian fillers) | msra (He: std sqrt(2/fan-in); learns from scratch without the ln(classes) plateau)", DefaultValueFactory = _ => "caffe" };
        var threads = new Option<int?>("--threads") { Description = "torch threads (fix it for bit-exact resumes)" };
        var proposals = new Option<string?>("--proposals") { Description = "voc2007-windows: a proposals store folder (layerprobe proposals; a CSV or MAT file is imported with its --import)" };
        var fgRule = new Option<string>("--fg-rule") { Description = "voc2007-windows: rcnn (fg IoU ≥ 0.5, bg < 0.5) | gt (fg GT boxes only, bg < 0.3)", DefaultValueFactory = _ => "rcnn" };
        var windowSize = new Option<int?>("--window-size") { Description = "voc2007-windows: side of the warped windows (default: the network's input side; 227 for caffenet-mini)" };
        var contextPad = new Option<int>("--context-pad") { Description = "voc2007-windows: context padding of the warp in output pixels", DefaultValueFactory = _ => 16 };
        var heldOut = new Option<string?>("--held-out") { Description = "images:/voc2007: data: labelled items for the held-out top-1, e.g. images:DIR" };
        var command = new Command("train", "Train or fine-tune a network with Caffe SGD; snapshots are ONNX files.")
            { net, data, iterations, batch, seed, snapshots, output, resume, crop, mirror, testInterval, finetune, freeze, divisor, fc, init, threads,
              proposals, fgRule, windowSize, contextPad, heldOut };
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
            string initName = parse.GetValue(init)!;
            if (initName is not ("caffe" or "msra")) throw new LayerProbeException($"--init: '{initName}' is not caffe or msra");
            var windows = new TrainingDataSources.WindowSettings(parse.GetValue(proposals), parse.GetValue(fgRule)!,
                parse.GetValue(windowSize), parse.GetValue(contextPad));
            string dataName = parse.GetValue(data)!;
            string? resumeFrom = parse.GetValue(resume) is { } r ? SnapshotSet.ForResume(r) : null; // a folder: its newest complete set
            var fedNetwork = PreprocessingNetwork(dataName, resumeFrom ?? parse.GetValue(net)!);
            var (train, test) = TrainingDataSources.Open(dataName, windows, fedNetwork, parse.GetValue(heldOut), preprocess.Request(parse));
            string? convention = fedNetwork is null ? null : PresetName(Preprocessing.Resolve(fedNetwork, preprocess.Request(parse) ?? PreprocessingRequest.Automatic));
            int maxIter = parse.GetValue(iterations);
            var solver = solverOptions.Settings(parse, maxIter);
            var snapshotList = SolverOptions.ParseIterations(parse.GetValue(snapshots), "--snapshots");
            if (maxIter > 0 && !snapshotList.Contains(maxIter)) snapshotList.Add(maxIter);
            var augmentation = new Augmentation(parse.GetValue(crop), parse.GetValue(mirror));
            var options = new TrainerOptions
            {
                BatchSize = parse.GetValue(batch), Seed = parse.GetValue(seed), Augmentation = augmentation, TestSource = test,
                TestInterval = parse.GetValue(testInterval), Snapshots = snapshotList, OutputDirectory = outDir,
                Threads = parse.GetValue(threads), Log = Console.Out,
            };
            options = options with { Classifier = parse.GetValue(classifier) };
            var multipliers = new LrMultipliers();
            if (parse.GetValue(freeze) is { } frozen) multipliers.Freeze(frozen.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));

            if (resumeFrom is not null) Console.WriteLine($"resuming from {resumeFrom}");
            using var trainer = resumeFrom is { } snapshot
                ? Trainer.Resume(snapshot, train, solver, FineTuneMultipliers(parse.GetValue(finetune), multipliers, snapshot, options.Classifier), options)
                : Start(parse.GetValue(net)!, train, solver, multipliers, options, parse.GetValue(finetune), parse.GetValue(divisor), parse.GetValue(fc), initName == "msra", convention);
            var rows = trainer.Run().Rows;
            var last = rows[^1];
            Console.WriteLine($"trained to iteration {trainer.Iteration}: loss {last.SmoothedLoss:F4} (smoothed)" +
                (last.TestAccuracy is { } a ? $", held-out top-1 {a:P2}" : "") + $"; log {Path.Combine(options.OutputDirectory!, "train_log.csv")}");
        }));
        return command;
    }

    /// <summary>
    /// The network whose preprocessing image data gets (the snapshot when resuming); null for other data, and for
    /// caffenet-mini, which is built here for Fashion-MNIST (the data source then refuses image data).
    /// </summary>
    static OnnxNetwork? PreprocessingNetwork(string dataName, string netOrSnapshot) =>
        (TrainingDataSources.IsImageData(dataName) || dataName.StartsWith(TrainingDataSources.WindowsScheme, StringComparison.OrdinalIgnoreCase))
        && !netOrSnapshot.Equals("caffenet-mini", StringComparison.OrdinalIgnoreCase)
            ? OnnxNetwork.Load(netOrSnapshot) : null;

    static Trainer Start(string netName, ITrainingSource train, SolverSettings solver, LrMultipliers multipliers, TrainerOptions options,
        string? finetune, int divisor, int fc, bool msra, string? convention)
    {
        OnnxNetwork network;
        if (netName.Equals("caffenet-mini", StringComparison.OrdinalIgnoreCase))
        {
            var shape = options.Augmentation.OutputShape(train.ItemShape);
            var spec = CaffeNetSpec.Mini(shape[1], shape[0], divisor, fc, train.Classes, options.Seed);
            var model = CaffeNet.Build(spec);
            if (msra) model = HeInit.Apply(model, options.Seed + 100);
            network = OnnxNetwork.FromBytes(model.ToByteArray(), "caffenet-mini");
        }
        else if (msra) throw new LayerProbeException($"{netName}: --init msra applies to caffenet-mini built here (an ONNX file keeps its weights)");
        else network = OnnxNetwork.Load(netName);
        if (finetune is not null)
        {
            var (model, ftMultipliers, appended) = FineTuning.ForNetwork(network, train.Classes, ParseMode(finetune), options.Seed, options.Classifier);
            if (appended)
                Console.WriteLine($"{network.Path}: no classifier in the graph; appended a {train.Classes}-way fully connected classifier on '{network.Model.Graph.Output[0].Name}' (Gaussian std 0.01, bias 0)");
            // the snapshots carry the input convention the network was fed in, so they are probed and resumed without --preprocess
            if (convention is not null && !model.MetadataProps.Any(p => p.Key == InputConvention.MetadataKey))
                model.MetadataProps.Add(new Onnx.StringStringEntryProto { Key = InputConvention.MetadataKey, Value = convention });
            network = OnnxNetwork.FromBytes(model.ToByteArray(), network.Path, originSha256: network.OriginSha256);
            foreach (var layer in multipliers.ConfiguredLayers) ftMultipliers.Freeze([layer]);
            multipliers = ftMultipliers;
        }
        return new Trainer(network, train, solver, multipliers, options);
    }

    /// <summary>The preset's name when <paramref name="convention"/> is a preset unchanged (what ONNX metadata can name), else null.</summary>
    static string? PresetName(InputConvention convention) =>
        InputConvention.Presets.TryGetValue(convention.Name, out var preset) && ReferenceEquals(preset, convention) ? convention.Name : null;

    /// <summary>On resume the classifier is already replaced; only the multipliers of the fine-tuning mode apply (read from the snapshot's graph).</summary>
    static LrMultipliers FineTuneMultipliers(string? finetune, LrMultipliers multipliers, string snapshot, string? classifier)
    {
        if (finetune is null) return multipliers;
        var ftMultipliers = FineTuning.Multipliers(OnnxNetwork.Load(snapshot).Model, ParseMode(finetune), classifier, snapshot);
        foreach (var layer in multipliers.ConfiguredLayers) ftMultipliers.Freeze([layer]);
        return ftMultipliers;
    }

    internal static FineTuningMode ParseMode(string mode) => mode.ToLowerInvariant() switch
    {
        "all" => FineTuningMode.AllLayers,
        "fc-only" => FineTuningMode.FcOnly,
        _ => throw new LayerProbeException($"train: unknown --finetune mode '{mode}' (known: all, fc-only)"),
    };
}
