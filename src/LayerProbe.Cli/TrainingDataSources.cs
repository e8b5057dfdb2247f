using LayerProbe.Data;
using LayerProbe.Features;
using LayerProbe.Networks;
using LayerProbe.Training;

namespace LayerProbe.Cli;

/// <summary>
/// Named training data for <c>layerprobe train --data NAME</c>: a (train, held-out) pair of sources.
/// <c>fashion-mnist</c>: the 60,000 training images, held-out accuracy on all 10,000 test images (the test accuracy), pixels minus
/// the mean pixel and scaled by 1/80 (about unit variance, so the Caffe fillers train at lr 0.01).
/// <c>fashion-mnist:CLASSES</c> (e.g. <c>fashion-mnist:5-9</c> or <c>fashion-mnist:0,2,4</c>): only those classes,
/// relabelled 0 … k−1, held-out on all their test images — a task with its own label set for fine-tuning.
/// <c>voc2007-windows:DEVKIT:SPLIT</c> (e.g. <c>voc2007-windows:VOCdevkit/VOC2007:trainval</c>): R-CNN fine-tuning
/// windows (<see cref="VocWindows"/>) of the split's GT boxes and the proposals of the proposals store
/// <see cref="WindowSettings.Proposals"/>, N + 1 labels (0 background), no held-out source; warped the way the network
/// being fine-tuned expects (its input convention, as for image data), or Caffe's way for the caffenet-mini built here.
/// <c>images:DIR</c> (one sub-folder per class) and <c>voc2007:DEVKIT:SPLIT:gt-boxes</c>: single-label image items
/// (<see cref="ItemSetSources"/>) preprocessed the way the network being trained expects, for image-level fine-tuning;
/// the held-out source is another such specification (<c>--held-out</c>).
/// Tests add sources through <see cref="Register"/>.
/// </summary>
public static class TrainingDataSources
{
    static readonly Dictionary<string, Func<(ITrainingSource Train, ITrainingSource? Test)>> Sources = new(StringComparer.OrdinalIgnoreCase)
    {
        ["fashion-mnist"] = () => (FashionMnistTrainingSource.Load("train", scale: InputScale),
                                   FashionMnistTrainingSource.Load("t10k", scale: InputScale)),
    };

    /// <summary>Input scale of the built-in Fashion-MNIST source.</summary>
    public const float InputScale = FashionMnistTrainingSource.UnitScale;

    /// <summary>Makes <paramref name="name"/> available to the CLI.</summary>
    public static void Register(string name, Func<(ITrainingSource Train, ITrainingSource? Test)> open) => Sources[name] = open;

    /// <summary>Prefix of the VOC window scheme.</summary>
    public const string WindowsScheme = "voc2007-windows:";

    /// <summary>
    /// Options of the <c>voc2007-windows</c> scheme: the proposals store folder (from <c>layerprobe proposals</c>, computed
    /// or imported from a CSV or MAT file), the label rule (<c>rcnn</c> or <c>gt</c>, <see cref="WindowRule"/>), the warp
    /// size (null: the network's input side, 227 for caffenet-mini) and its context padding (Caffe's crop_size and context_pad).
    /// </summary>
    public sealed record WindowSettings(string? Proposals, string FgRule = "rcnn", int? Size = null, int ContextPad = 16);

    /// <summary>Item-set schemes that train on images preprocessed for the network (<see cref="IsImageData"/>).</summary>
    static readonly string[] ImageSchemes = ["images:", "voc2007:"];

    /// <summary>Whether <paramref name="name"/> is image data, which needs the network (its preprocessing) to open.</summary>
    public static bool IsImageData(string name) => ImageSchemes.Any(s => name.StartsWith(s, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Opens the named data; unknown or unwired names, window options without window data, a held-out specification
    /// without image data and image data without a network are a one-line error.
    /// </summary>
    public static (ITrainingSource Train, ITrainingSource? Test) Open(string name, WindowSettings? windows = null,
        OnnxNetwork? network = null, string? heldOut = null, PreprocessingRequest? preprocessing = null)
    {
        bool windowData = name.StartsWith(WindowsScheme, StringComparison.OrdinalIgnoreCase);
        if (preprocessing is { } p && (p.Preset is not null || p.HasOverrides || p.Size is not null) && !IsImageData(name) && !windowData)
            throw new LayerProbeException($"--preprocess/--channels/--scale/--mean/--std/--size: apply to image data ({string.Join(", ", ImageSchemes.Select(s => s + "…"))}) and {WindowsScheme}… only, not '{name}'");
        if (!windowData && windows?.Proposals is not null)
            throw new LayerProbeException($"--proposals: applies to --data {WindowsScheme}DEVKIT:SPLIT only, not '{name}'");
        if (heldOut is not null && !IsImageData(name))
            throw new LayerProbeException($"--held-out: applies to image data ({string.Join(", ", ImageSchemes.Select(s => s + "…"))}) only, not '{name}'");
        if (IsImageData(name)) return OpenImages(name, heldOut, network, preprocessing);
        if (windowData) return (OpenWindows(name[WindowsScheme.Length..], windows, network, preprocessing), null);
        if (Sources.TryGetValue(name, out var open)) return open();
        if (name.StartsWith("fashion-mnist:", StringComparison.OrdinalIgnoreCase))
        {
            var classes = ClassList.Parse(name["fashion-mnist:".Length..], "--data");
            return (FashionMnistTrainingSource.Load("train", classes, 0, 0, InputScale), FashionMnistTrainingSource.Load("t10k", classes, 0, 0, InputScale));
        }
        throw new LayerProbeException($"train: unknown data source '{name}' (known: {string.Join(", ", Sources.Keys)}, fashion-mnist:CLASSES, {WindowsScheme}DEVKIT:SPLIT, images:DIR, voc2007:DEVKIT:SPLIT:gt-boxes)");
    }

    static (ITrainingSource Train, ITrainingSource? Test) OpenImages(string name, string? heldOut, OnnxNetwork? network, PreprocessingRequest? preprocessing)
    {
        if (network is null)
            throw new LayerProbeException($"--data {name}: image data is preprocessed the way the trained network expects; give --net FILE.onnx (caffenet-mini is built for Fashion-MNIST)");
        var train = Images(name, network, "--data", preprocessing);
        if (heldOut is null) return (train, null);
        var test = Images(heldOut, network, "--held-out", preprocessing);
        if (!test.ClassNames.SequenceEqual(train.ClassNames))
            throw new LayerProbeException($"--held-out {heldOut}: classes [{string.Join(", ", test.ClassNames)}] differ from the training data's [{string.Join(", ", train.ClassNames)}]");
        return (train, test);
    }

    static ImageItemsTrainingSource Images(string spec, OnnxNetwork network, string option, PreprocessingRequest? preprocessing)
    {
        var (items, preprocessor) = ProbeCommand.Labelled(spec, network, option, preprocessing);
        return new ImageItemsTrainingSource(items, preprocessor);
    }

    static VocWindows OpenWindows(string devkitAndSplit, WindowSettings? windows, OnnxNetwork? network, PreprocessingRequest? preprocessing)
    {
        int colon = devkitAndSplit.LastIndexOf(':');
        if (colon <= 0 || colon == devkitAndSplit.Length - 1)
            throw new LayerProbeException($"--data: '{WindowsScheme}{devkitAndSplit}' is not {WindowsScheme}DEVKIT:SPLIT");
        if (windows?.Proposals is not { } proposals)
            throw new LayerProbeException($"--data {WindowsScheme}…: needs --proposals STORE (a proposals store folder from 'layerprobe proposals')");
        string devkit = devkitAndSplit[..colon], split = devkitAndSplit[(colon + 1)..];
        if (File.Exists(proposals))
            throw LayerProbeException.For(proposals, $"is a file; --proposals takes a proposals store folder: import it first with " +
                $"'layerprobe proposals --data voc2007:{devkit}:{split} --import {proposals} --out DIR' and pass the store it makes");
        if (windows.Size is <= 0 || windows.ContextPad < 0 || (windows.Size is { } s && 2 * windows.ContextPad >= s))
            throw new LayerProbeException($"--window-size {windows.Size} with --context-pad {windows.ContextPad}: need size > 0 and 0 ≤ 2·pad < size");
        var rule = WindowRule.Parse(windows.FgRule);
        IPreprocessor warp = network is null
            ? Preprocessing.Caffe(windows.Size ?? 227, windows.ContextPad)
            : Preprocessing.For(network, (preprocessing ?? PreprocessingRequest.Automatic) is var r && windows.Size is { } size ? r with { Size = size } : r,
                windows.ContextPad);
        return VocWindows.FromStore(new VocDevkit(devkit), split, proposals, rule, warp);
    }
}
