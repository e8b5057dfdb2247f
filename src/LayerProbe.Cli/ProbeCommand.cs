using System.CommandLine;
using LayerProbe.Analyses;
using LayerProbe.Features;
using LayerProbe.Probes;
using LayerProbe.Reports;

namespace LayerProbe.Cli;

/// <summary>
/// <c>layerprobe probe --model M --trainval SPEC --test SPEC --layers L1,L2 --out DIR</c>: parses the options into a
/// <see cref="ProbeJobSettings"/>, runs the <see cref="ProbeJob"/> (linear-SVM probes per layer, report, manifest) and
/// prints the AP table. On region items (<c>voc2007:DEVKIT:SPLIT:proposals:STORE</c> for both splits) the task is R-CNN
/// detection (<see cref="ProbeDetection"/>), its region features computed as <c>extract</c>'s
/// (<see cref="RegionModeOptions"/>: <c>--regions warp|shared-conv --roi-layer …</c>).
/// </summary>
static class ProbeCommand
{
    public static Command Create()
    {
        var model = OptionCatalogue.Model();
        var input = OptionCatalogue.Input();
        var preprocess = new PreprocessOptions("input side (adapts the network to it, as extract does; default: its declared input, else 224)");
        var trainVal = OptionCatalogue.TrainVal();
        var test = OptionCatalogue.Test();
        var fit = new Option<string?>("--fit") { Description = "items of --trainval that fit each C (e.g. voc2007:DEVKIT:train); the rest pick C (default: halves per class)" };
        var layers = OptionCatalogue.Layers();
        var output = OptionCatalogue.Out("report folder");
        var stores = new Option<string?>("--store") { Description = "feature store folder (default OUT/features); give extract's --out to reuse its stores" };
        var solver = OptionCatalogue.Choice("--solver", "SVM solver: dual-cd (liblinear's dual coordinate descent, all classes per pass) or batched-newton", ProbeSettings.Solvers, "dual-cd");
        var grid = OptionCatalogue.CGrid("1e-4 … 0.1, the R-CNN grid");
        var half = OptionCatalogue.Float16();
        var command = new Command("probe", "Train and score linear SVM probes on chosen layers (per-class AP, mAP).")
            { model, input, trainVal, test, fit, layers, output, stores, solver, grid, half };
        var boxRegression = OptionCatalogue.BoxRegression();
        command.Options.Add(boxRegression);
        preprocess.AddTo(command);
        var device = new DeviceOption();
        device.AddTo(command);
        var regionMode = new RegionModeOptions();
        regionMode.AddTo(command);
        command.SetAction(parse => Cli.Guard(() =>
        {
            var sharedConv = regionMode.Settings(parse);
            bool regionItems = ItemSetSources.IsRegionItems(parse.GetValue(trainVal)!);
            if (parse.GetValue(boxRegression) && !regionItems)
                throw LayerProbeException.For("--box-regression", "moves detections, so it needs region items (--trainval voc2007:DEVKIT:SPLIT:proposals:STORE)");
            if (sharedConv is not null && !regionItems) throw RegionModeOptions.NotRegions(parse.GetValue(trainVal)!);
            var settings = ProbeSettings.For(parse.GetValue(solver)!);
            if (parse.GetValue(grid) is { } g) settings = settings with { CGrid = ProbeSettings.ParseGrid(g) };
            var outcome = ProbeJob.Run(new ProbeJobSettings
            {
                Model = parse.GetValue(model)!, Input = parse.GetValue(input), TrainVal = parse.GetValue(trainVal)!, Test = parse.GetValue(test)!,
                Fit = parse.GetValue(fit), Layers = ListOption.Items(parse.GetValue(layers)!), Output = parse.GetValue(output)!, Stores = parse.GetValue(stores),
                Preprocessing = preprocess.Request(parse), Settings = settings,
                Extraction = new ExtractionOptions { DType = parse.GetValue(half) ? FeatureDType.Float16 : FeatureDType.Float32, Device = device.Value(parse) },
                OnRegions = regions => ProbeDetection.Run(regions, parse.GetValue(grid), parse.GetValue(boxRegression), sharedConv),
            }, log: Console.Error);
            if (outcome.Results.Count > 0) Console.WriteLine(TableWriters.Markdown(LayerwiseReport.ElevenPointTable(outcome.Title, outcome.Results)));
        }));
        return command;
    }
}
