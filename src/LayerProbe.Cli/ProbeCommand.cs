using System.CommandLine;
using System.Globalization;
using LayerProbe.Analyses;
using LayerProbe.Data;
using LayerProbe.Features;
using LayerProbe.Networks;
using LayerProbe.Reports;

namespace LayerProbe.Cli;

/// <summary>
/// <c>layerprobe probe --model M --trainval SPEC --test SPEC --layers L1,L2 --out DIR</c>: linear-SVM probes of each
/// layer (task × network × layers → per-class AP and mAP per layer, as Markdown/CSV/JSON, a plot and a manifest). On
/// region items (<c>voc2007:DEVKIT:SPLIT:proposals:STORE</c> for both splits) the task is R-CNN detection
/// (<see cref="ProbeDetection"/>).
/// </summary>
static class ProbeCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "ONNX file or well-known name (resnet18-imagenet)", Required = true };
        var input = ModelInput.Option();
        var preprocess = new PreprocessOptions("input side (adapts the network: dynamic batch, global final pool; default: its declared input, else 224)");
        var trainVal = new Option<string>("--trainval") { Description = $"labelled items the probes learn from, SCHEME:ARG ({string.Join(", ", ItemSetSources.Names)})", Required = true };
        var test = new Option<string>("--test") { Description = "labelled items the probes are scored on, SCHEME:ARG", Required = true };
        var fit = new Option<string?>("--fit") { Description = "items of trainval that fit each C (e.g. VOC train); the rest pick C (default: halves per class)" };
        var layers = new Option<string>("--layers") { Description = "comma-separated layers (pool5, relu7, res3b, …); on region items the first is extracted and the others are computed from it (pool5,fc6,fc7)", Required = true };
        var output = new Option<string>("--out") { Description = "output folder (features/ cache + report files)", Required = true };
        var solver = new Option<string>("--solver") { Description = "dual-cd (liblinear's dual coordinate descent, all classes per pass) or batched-newton", DefaultValueFactory = _ => "dual-cd" };
        var grid = new Option<string?>("--c") { Description = "C value or comma-separated grid (default 1e-4 … 0.1)" };
        var half = new Option<bool>("--float16") { Description = "store features as float16" };
        var command = new Command("probe", "Train and score linear SVM probes on chosen layers (per-class AP, mAP).")
            { model, input, trainVal, test, fit, layers, output, solver, grid, half };
        preprocess.AddTo(command);
        var device = new DeviceOption();
        device.AddTo(command);
        command.SetAction(parse => Cli.Guard(() =>
        {
            var onDevice = device.Value(parse);
            string outDir = OutputFolder.Prepare(parse.GetValue(output)!); // before any long work
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var source = OnnxNetwork.Load(parse.GetValue(model)!, parse.GetValue(input));
            var network = source;
            int? s = parse.GetValue(preprocess.Size);
            if (s is not null || network.InputShape.FirstOrDefault() == 1) network = network.WithInput(s, s);
            var request = preprocess.Request(parse);
            var (trainAny, preprocessor) = ItemSetSources.Create(parse.GetValue(trainVal)!, network, request);
            if (trainAny is Regions.VocRegions trainRegions) // region items: the detection task (R-CNN)
            {
                using (trainRegions)
                    ProbeDetection.Run(source, network, preprocessor, trainRegions, parse.GetValue(test)!, request, parse.GetValue(layers)!,
                        outDir, parse.GetValue(fit), parse.GetValue(grid), new ExtractionOptions { DType = parse.GetValue(half) ? FeatureDType.Float16 : FeatureDType.Float32, Device = onDevice }, clock);
                return;
            }
            var trainItems = AsLabelled(trainAny, parse.GetValue(trainVal)!, "--trainval");
            var (testItems, _) = Labelled(parse.GetValue(test)!, network, "--test", request);
            var fitIds = parse.GetValue(fit) is { } f ? Ids(ItemSetSources.Create(f, network, request).Items) : null;
            var split = ProbeSplit.Create(trainItems, testItems, fitIds);
            var settings = ProbeSettings.For(parse.GetValue(solver)!);
            if (parse.GetValue(grid) is { } g) settings = settings with { CGrid = ParseGrid(g) };
            var names = parse.GetValue(layers)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            foreach (var name in names) network.ResolveLayer(name);

            var extraction = new ExtractionOptions { DType = parse.GetValue(half) ? FeatureDType.Float16 : FeatureDType.Float32, Device = onDevice };
            var results = LayerwiseProbe.Run(network, preprocessor, split, names, Path.Combine(outDir, "features"), settings, extraction);
            string modelName = Path.GetFileName(source.Path) + (network.InputSize is { } inputSize ? $" ({inputSize.Height}×{inputSize.Width} input)" : "");
            string title = $"AP (%) per layer of {modelName} on {testItems.Name}";
            string plotTitle = $"mAP per layer: {modelName} on {testItems.Name}";
            var files = LayerwiseReport.Write(outDir, "probe", title, results, plotTitle);
            var manifest = new Manifest
            {
                Task = "probe",
                Inputs = { ["network"] = $"{source.Path} sha256:{source.Sha256}", ["trainval"] = $"{trainItems.Name} {trainItems.Fingerprint}", ["test"] = $"{testItems.Name} {testItems.Fingerprint}" },
                Settings = { ["preprocessing"] = preprocessor.Description, ["network_adaptation"] = network == source ? "none" : $"dynamic batch, input {string.Join("x", network.InputShape.Skip(2))} (adapted graph sha256:{network.Sha256})",
                    ["input_convention"] = (preprocessor as ConventionPreprocessor)?.Record,
                    ["layers"] = names, ["device"] = onDevice, ["probe"] = results.Select(r => new { r.Layer, r.Training }).ToList() },
                Measurements = { ["wall_seconds"] = clock.Elapsed.TotalSeconds, ["peak_rss_mib"] = ResourceUsage.PeakRssMegabytes() },
            }.WithOutputs(outDir, files);
            string summary = $"Linear SVM probes of {names.Length} layers of `{modelName}`: trained on {trainItems.Name} ({trainItems.Count} items), " +
                             $"scored on {testItems.Name} ({testItems.Count} items). Wall time {clock.Elapsed.TotalSeconds:F0} s, peak RSS {manifest.Measurements["peak_rss_mib"]:F0} MiB.";
            var page = LayerwiseReport.Page("probe", title, plotTitle, results, summary);
            manifest.WithOutputs(outDir, [HtmlReport.Write(page, outDir, manifest)]).Write(Path.Combine(outDir, "manifest.json"));
            Console.WriteLine(TableWriters.Markdown(LayerwiseReport.ElevenPointTable(title, results)));
        }));
        return command;
    }

    internal static (ILabelledItemSet Items, IPreprocessor Preprocessor) Labelled(string spec, OnnxNetwork network, string option,
        PreprocessingRequest? preprocessing = null)
    {
        var (items, preprocessor) = ItemSetSources.Create(spec, network, preprocessing);
        return (AsLabelled(items, spec, option), preprocessor);
    }

    static ILabelledItemSet AsLabelled(IItemSet items, string spec, string option) =>
        items is ILabelledItemSet labelled ? labelled
            : throw LayerProbeException.For(option, $"'{spec}' has no class labels (use a labelled source such as fashion-mnist:, voc2007: or images: with class folders)");

    static IEnumerable<string> Ids(IItemSet items) => Enumerable.Range(0, items.Count).Select(items.Id);

    internal static IReadOnlyList<double> ParseGrid(string text) =>
        text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(v =>
            double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var c) && c > 0 ? c
                : throw LayerProbeException.For("--c", $"'{v}' is not a positive number")).ToList();
}
