using LayerProbe.Networks;
using LayerProbe.Training;

namespace LayerProbe.Data;

/// <summary>
/// What opening training data needs besides the specification: the R-CNN window settings (<c>voc2007-windows:</c>),
/// the network whose input convention image data is preprocessed with, a held-out specification and the preprocessing
/// asked for. <see cref="Log"/> receives deprecation notes.
/// </summary>
public sealed record TrainingDataRequest
{
    /// <summary>Window settings of <c>voc2007-windows:</c> data.</summary>
    public WindowSettings? Windows { get; init; }
    /// <summary>The network image data is preprocessed for (null for Fashion-MNIST tensors and windows).</summary>
    public OnnxNetwork? Network { get; init; }
    /// <summary>A data specification of held-out items (image data only).</summary>
    public string? HeldOut { get; init; }
    /// <summary>The input convention asked for (image data only).</summary>
    public PreprocessingRequest? Preprocessing { get; init; }
    /// <summary>Where notes go (e.g. an older spelling of a specification).</summary>
    public TextWriter? Log { get; init; }
}

/// <summary>
/// Options of <c>voc2007-windows</c> data: the proposals store folder (from <c>layerprobe proposals</c>, computed or
/// imported from a CSV or MAT file), the label rule (<c>rcnn</c> or <c>gt</c>, <see cref="WindowRule"/>), the warp size
/// (null: the network's input side, 227 for caffenet-mini) and its context padding (Caffe's crop_size and context_pad).
/// </summary>
public sealed record WindowSettings(string? Proposals, string FgRule = "rcnn", int? Size = null, int ContextPad = 16);

public sealed partial class DataSources
{
    /// <summary>Input scale of Fashion-MNIST training tensors (about unit variance, so Caffe's fillers train at lr 0.01).</summary>
    public const float FashionMnistTrainingScale = FashionMnistTrainingSource.UnitScale;

    /// <summary>Whether <paramref name="specification"/> is image data, which is preprocessed for the network being trained.</summary>
    public bool IsImageData(string specification) => DataSpecification.Parse(specification, "data").Source is var s
        && !s.Equals("fashion-mnist", StringComparison.OrdinalIgnoreCase) && _items.ContainsKey(s) && !_training.ContainsKey(specification);

    /// <summary>Whether <paramref name="specification"/> is R-CNN windows (<c>voc2007-windows:</c>), warped for the network being trained.</summary>
    public static bool IsWindowData(string specification) => specification.StartsWith(WindowsSource + ":", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Opens training data (a train and an optional held-out source): a registered name, <c>fashion-mnist[:SPLIT]</c>
    /// (the training split by default, held out on the test split's items of the same classes; trailing fields as
    /// everywhere), <c>voc2007-windows:DEVKIT:SPLIT</c>, or any item source as image data for image-level fine-tuning.
    /// Options that do not apply to the data are a one-line error.
    /// </summary>
    public (ITrainingSource Train, ITrainingSource? Test) Training(string specification, TrainingDataRequest? request = null)
    {
        request ??= new TrainingDataRequest();
        if (_training.TryGetValue(specification, out var named)) return named();
        var spec = DataSpecification.Parse(specification, "data");
        bool image = IsImageData(specification), windows = spec.Source.Equals(WindowsSource, StringComparison.OrdinalIgnoreCase);
        string imageSources = string.Join(", ", Schemes.Where(s => s != "fashion-mnist").Select(s => s + ":…"));
        if (request.Preprocessing is { } p && (p.Preset is not null || p.HasOverrides || p.Size is not null) && !image && !windows)
            throw LayerProbeException.ForParameter("preprocessing", $"applies to image data ({imageSources}) and {WindowsSource}:… only, not '{specification}'");
        if (!windows && request.Windows?.Proposals is not null)
            throw LayerProbeException.ForParameter("proposals", $"applies to {WindowsSource}:DEVKIT:SPLIT data only, not '{specification}'");
        if (request.HeldOut is not null && !image)
            throw LayerProbeException.ForParameter("heldOut", $"applies to image data ({imageSources}) only, not '{specification}'");
        if (image) return OpenImages(specification, request);
        if (windows) return (OpenWindows(spec, request.Windows, request.Network, request.Preprocessing), null);
        if (spec.Source.Equals("fashion-mnist", StringComparison.OrdinalIgnoreCase)) return FashionMnistTraining(spec, request.Log);
        throw LayerProbeException.ForParameter("data", $"unknown data source '{specification}' for training (known: {string.Join(", ", _training.Keys.Append("fashion-mnist[:SPLIT]").Append(WindowsSource + ":DEVKIT:SPLIT").Concat(Schemes.Where(s => s != "fashion-mnist").Select(s => s + ":…")))})");
    }

    static (ITrainingSource, ITrainingSource?) FashionMnistTraining(DataSpecification spec, TextWriter? log)
    {
        var classes = spec.Classes;
        string split = spec.Argument.Length == 0 ? "train" : spec.Argument;
        if (ClassList.LooksLikeOne(split) && classes is null)
        {
            log?.WriteLine($"layerprobe: {spec.Text}: a class list in the split's place is deprecated (accepted until the next release); write fashion-mnist:train:classes={split}");
            (classes, split) = (ClassList.Parse(split, spec.Parameter), "train");
        }
        if (split.Contains(':')) throw spec.Error("expected fashion-mnist[:SPLIT][:classes=LIST][:per-class=N][:seed=S]");
        var all = Enumerable.Range(0, FashionMnist.ClassNames.Count).ToList();
        if (classes is null && spec.PerClass is null)
            return (FashionMnistTrainingSource.Load(split, scale: FashionMnistTrainingScale), FashionMnistTrainingSource.Load(HeldOutSplit(split), scale: FashionMnistTrainingScale));
        var chosen = classes ?? all;
        return (FashionMnistTrainingSource.Load(split, chosen, spec.PerClass ?? 0, spec.Seed, FashionMnistTrainingScale),
                FashionMnistTrainingSource.Load(HeldOutSplit(split), chosen, 0, 0, FashionMnistTrainingScale));
    }

    /// <summary>Fashion-MNIST's other split: training on train is held out on test (and the other way round).</summary>
    static string HeldOutSplit(string split) => split is "test" or "t10k" ? "train" : "t10k";

    (ITrainingSource, ITrainingSource?) OpenImages(string specification, TrainingDataRequest request)
    {
        if (request.Network is not { } network)
            throw LayerProbeException.ForParameter("data", $"{specification}: image data is preprocessed the way the trained network expects; give --model FILE.onnx (caffenet-mini is built for Fashion-MNIST)");
        var train = Images(specification, network, "data", request.Preprocessing);
        if (request.HeldOut is not { } heldOut) return (train, null);
        var test = Images(heldOut, network, "heldOut", request.Preprocessing);
        if (!test.ClassNames.SequenceEqual(train.ClassNames))
            throw LayerProbeException.ForParameter("heldOut", $"{heldOut}: classes [{string.Join(", ", test.ClassNames)}] differ from the training data's [{string.Join(", ", train.ClassNames)}]");
        return (train, test);
    }

    ImageItemsTrainingSource Images(string specification, OnnxNetwork network, string parameter, PreprocessingRequest? preprocessing)
    {
        var (items, preprocessor) = Labelled(specification, network, preprocessing, parameter);
        return new ImageItemsTrainingSource(items, preprocessor);
    }

    static VocWindows OpenWindows(DataSpecification spec, WindowSettings? windows, OnnxNetwork? network, PreprocessingRequest? preprocessing)
    {
        int colon = spec.Argument.LastIndexOf(':');
        if (colon <= 0 || colon == spec.Argument.Length - 1) throw spec.Error($"is not {WindowsSource}:DEVKIT:SPLIT");
        if (spec.HasSubset) throw spec.Error("classes=/per-class= do not apply to R-CNN windows (all 20 classes and background)");
        if (windows?.Proposals is not { } proposals)
            throw spec.Error("needs --proposals STORE (a proposals store folder from 'layerprobe proposals')");
        string devkit = spec.Argument[..colon], split = spec.Argument[(colon + 1)..];
        if (File.Exists(proposals))
            throw LayerProbeException.For(proposals, $"is a file; --proposals takes a proposals store folder: import it first with " +
                $"'layerprobe proposals --data voc2007:{devkit}:{split} --import {proposals} --out DIR' and pass the store it makes");
        if (spec.Context is { } context) windows = windows with { ContextPad = context };
        if (windows.Size is <= 0 || windows.ContextPad < 0 || (windows.Size is { } s && 2 * windows.ContextPad >= s))
            throw LayerProbeException.ForParameter("windowSize", $"{windows.Size} with context pad {windows.ContextPad}: need size > 0 and 0 ≤ 2·pad < size");
        var rule = WindowRule.Parse(windows.FgRule);
        IPreprocessor warp = network is null
            ? Preprocessing.Caffe(windows.Size ?? 227, windows.ContextPad)
            : Preprocessing.For(network, (preprocessing ?? PreprocessingRequest.Automatic) is var r && windows.Size is { } size ? r with { Size = size } : r,
                windows.ContextPad);
        return VocWindows.FromStore(new VocDevkit(devkit), split, proposals, rule, warp, maxProposals: spec.MaxProposals);
    }
}
