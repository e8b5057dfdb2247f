using LayerProbe.Analyses;
using LayerProbe.Data;
using LayerProbe.Features;
using LayerProbe.Studies.Files;

namespace LayerProbe;

/// <summary>
/// The front door for one experiment in code: linear-SVM probes of a network's layers on a labelled data set (the
/// paper's layer-wise experiment, draft Table 9). For a whole study with analyses and a report, see
/// <see cref="Studies.Study"/>.
/// <code>
/// var results = Probe.Layerwise("resnet18-imagenet", "fashion-mnist:train:20:1", "fashion-mnist:test:10:1",
///     ["res3b", "pool5"], storeRoot: "out/features", new ProbeOptions { InputSize = 64 });
/// foreach (var r in results) Console.WriteLine($"{r.Layer}: mAP {100 * r.Mean.ElevenPoint:F1}");
/// </code>
/// </summary>
public static class Probe
{
    /// <summary>
    /// Extracts <paramref name="layers"/> of <paramref name="model"/> for the trainval and test items (one pass each,
    /// into content-addressed stores under <paramref name="storeRoot"/>, reused and resumed by later calls) and probes
    /// each layer: one-vs-rest linear SVMs on R-CNN-scaled features, C chosen on a validation part of trainval and
    /// retrained on all of it, VOC 11-point AP on test.
    /// </summary>
    /// <param name="model">An ONNX file or a built-in name (<c>resnet18-imagenet</c>).</param>
    /// <param name="trainVal">Data specification of the items the probes learn from (e.g. <c>voc2007:DEVKIT:trainval</c>,
    /// <c>fashion-mnist:train:100:1</c>, <c>images:DIR</c>).</param>
    /// <param name="test">Data specification of the items the probes are scored on.</param>
    /// <param name="layers">Layer names (<c>layerprobe layers MODEL</c> lists them) or raw ONNX value names.</param>
    /// <param name="storeRoot">Folder of the feature stores.</param>
    /// <param name="options">Input convention, input side, C grid, device and the rest (defaults: <see cref="ProbeOptions"/>).</param>
    /// <param name="log">Progress lines (default: standard error).</param>
    /// <returns>One result per layer in the order asked: per-class AP, mAP, the C chosen, seconds.</returns>
    /// <exception cref="LayerProbeException">A file, name or setting the user gave is wrong (one-line message).</exception>
    public static IReadOnlyList<LayerProbeResult> Layerwise(string model, string trainVal, string test, IReadOnlyList<string> layers,
        string storeRoot, ProbeOptions? options = null, TextWriter? log = null)
    {
        options ??= new ProbeOptions();
        var request = new PreprocessingRequest(options.Preprocess, Size: options.InputSize);
        var network = new StudyNetwork("network", model, Path.GetFileName(model), options.Input, request, Where: null);
        var (_, adapted) = network.Load();
        foreach (var layer in layers) adapted.ResolveLayer(layer);
        var data = new StudyData("data", trainVal, test, options.Fit, null, Where: null);
        var (split, preprocessor) = data.Resolve(adapted, request);
        var settings = ProbeSettings.For(options.Solver) with { CGrid = options.CGrid };
        var extraction = new ExtractionOptions { DType = options.Float16 ? FeatureDType.Float16 : FeatureDType.Float32, Device = options.Device };
        return LayerwiseProbe.Run(adapted, preprocessor, split, layers, storeRoot, settings, extraction, log);
    }
}

/// <summary>Settings of <see cref="Probe.Layerwise"/>; every default is the study files' default.</summary>
public sealed record ProbeOptions
{
    /// <summary>Input convention preset (<c>caffe</c>, <c>torchvision</c>, <c>cntk-resnet</c>, <c>grey</c>); null: what the network records.</summary>
    public string? Preprocess { get; init; }
    /// <summary>Input side; the network is adapted to it (null: its declared side, else 224).</summary>
    public int? InputSize { get; init; }
    /// <summary>The image input of a graph with several data inputs (null: the only one).</summary>
    public string? Input { get; init; }
    /// <summary>Data specification of the trainval items that fit each C (e.g. VOC's train split); null: halves per class.</summary>
    public string? Fit { get; init; }
    /// <summary>Solver: <c>dual-cd</c> or <c>batched-newton</c>.</summary>
    public string Solver { get; init; } = "dual-cd";
    /// <summary>C values tried on the validation part (one value: no search).</summary>
    public IReadOnlyList<double> CGrid { get; init; } = Probes.CSelection.RcnnGrid;
    /// <summary>Store features as float16.</summary>
    public bool Float16 { get; init; }
    /// <summary>Where ONNX Runtime runs the network.</summary>
    public Networks.ExecutionDevice Device { get; init; } = Networks.ExecutionDevice.Cpu;
}
