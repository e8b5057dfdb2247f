using System.CommandLine;
using LayerProbe.Analyses;
using LayerProbe.Data;
using LayerProbe.Features;
using LayerProbe.Networks;
using LayerProbe.Reports;
using LayerProbe.Studies;

namespace LayerProbe.Cli;

/// <summary>
/// Options shared by the training studies (<c>evolution</c>, <c>finetune-effect</c>, <c>short-pretraining</c>): the probe
/// task (<c>--trainval</c>, <c>--test</c>, optional <c>--classes</c> subset), the layers, the C grid and the output folder.
/// </summary>
sealed class StudyOptions
{
    /// <summary>The paper's Table 4 layers in CaffeNet vocabulary (relu3/relu4 are its conv3/conv4 rows).</summary>
    public const string DefaultLayers = "pool1,pool2,relu3,relu4,pool5,relu6,relu7";

    readonly Option<string> _trainVal = OptionCatalogue.TrainVal();
    readonly Option<string> _test = OptionCatalogue.Test();
    readonly Option<string?> _classes = OptionCatalogue.Classes("probe only these classes of both item sets, relabelled (e.g. 5-9; the same as :classes=5-9 in each specification)");
    readonly Option<string> _layers = OptionCatalogue.Layers(DefaultLayers);
    readonly Option<string> _output = OptionCatalogue.Out("output folder (features/ cache + report files)");
    readonly Option<string?> _grid = OptionCatalogue.CGrid("1e-4 … 0.1, the R-CNN grid");
    readonly DeviceOption _device = new();
    readonly PreprocessOptions _preprocess = new();

    public void AddTo(Command command)
    {
        foreach (var o in new Option[] { _trainVal, _test, _classes, _layers, _output, _grid }) command.Options.Add(o);
        _device.AddTo(command);
        _preprocess.AddTo(command);
    }

    /// <summary>The device, checked first so that <c>--device cuda</c> on a CPU build is refused before anything is read.</summary>
    public ExecutionDevice Device(ParseResult parse) => _device.Value(parse);

    /// <summary>The input convention asked for (<c>--preprocess</c> and overrides; default: what each network records).</summary>
    public PreprocessingRequest Preprocessing(ParseResult parse) => _preprocess.Request(parse);

    public string Output(ParseResult parse) => parse.GetValue(_output)!;

    /// <summary>The layers of the detection task when --layers is not given: the paper's Table 1 rows (pool5 extracted, relu6/relu7 from it).</summary>
    public const string DefaultDetectionLayers = "pool5,relu6,relu7";

    /// <summary>The layers asked for; when none are given, the paper's Table 4 rows, or its Table 1 rows for <paramref name="detection"/>.</summary>
    public IReadOnlyList<string> Layers(ParseResult parse, bool detection = false) =>
        ListOption.Items(detection && parse.GetResult(_layers) is null or { Implicit: true } ? DefaultDetectionLayers : parse.GetValue(_layers)!);

    /// <summary>
    /// The detection task when --trainval and --test are both region items (voc2007:DEVKIT:SPLIT:proposals:STORE), else
    /// null; one of them region items and the other not is a one-line error.
    /// </summary>
    public DetectionStudyTask? DetectionTask(ParseResult parse)
    {
        var grid = parse.GetValue(_grid) is { } g ? ProbeSettings.ParseGrid(g) : null;
        return DetectionStudyTask.TryCreate(parse.GetValue(_trainVal)!, parse.GetValue(_test)!, parse.GetValue(_classes), grid, Preprocessing(parse), Output(parse))
            is { } task ? task with { Log = Console.Out, Extraction = new ExtractionOptions { Device = _device.Value(parse) } } : null;
    }

    /// <summary>The probe task; <paramref name="network"/> (any network of the study) only resolves the data specifications.</summary>
    public StudyTask Task(ParseResult parse, OnnxNetwork network)
    {
        var settings = parse.GetValue(_grid) is { } g ? new ProbeSettings { CGrid = ProbeSettings.ParseGrid(g) } : new ProbeSettings();
        return StudyTask.Create(network, parse.GetValue(_trainVal)!, parse.GetValue(_test)!, parse.GetValue(_classes), settings, Preprocessing(parse), Output(parse))
            with { Log = Console.Out, Extraction = new ExtractionOptions { Device = _device.Value(parse) } };
    }
}
