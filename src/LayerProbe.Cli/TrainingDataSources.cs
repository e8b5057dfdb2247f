using LayerProbe.Data;
using LayerProbe.Training;

namespace LayerProbe.Cli;

/// <summary>
/// Named training data for <c>layerprobe train --data NAME</c>: a (train, held-out) pair of sources.
/// <c>fashion-mnist</c>: the 60,000 training images, held-out accuracy on all 10,000 test images (the test accuracy), pixels minus
/// the mean pixel and scaled by 1/80 (about unit variance, so the Caffe fillers train at lr 0.01).
/// <c>fashion-mnist:CLASSES</c> (e.g. <c>fashion-mnist:5-9</c> or <c>fashion-mnist:0,2,4</c>): only those classes,
/// relabelled 0 … k−1, held-out on all their test images — a task with its own label set for fine-tuning.
/// <c>voc2007-windows:DEVKIT:SPLIT</c> (e.g. <c>voc2007-windows:VOCdevkit/VOC2007:trainval</c>): R-CNN fine-tuning
/// windows (<see cref="VocWindows"/>) of the split's GT boxes and the proposals of <see cref="WindowSettings.Proposals"/>,
/// 21 labels (0 background), no held-out source.
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
    /// Options of the <c>voc2007-windows</c> scheme: the proposals CSV (<see cref="ProposalsCsv"/>), the label rule
    /// (<c>rcnn</c> or <c>gt</c>, <see cref="WindowRule"/>), the warp size and its context padding (Caffe's crop_size and
    /// context_pad), warped with the ILSVRC mean pixel subtracted.
    /// </summary>
    public sealed record WindowSettings(string? Proposals, string FgRule = "rcnn", int Size = 227, int ContextPad = 16);

    /// <summary>Opens the named data; unknown or unwired names, and window options without window data, are a one-line error.</summary>
    public static (ITrainingSource Train, ITrainingSource? Test) Open(string name, WindowSettings? windows = null)
    {
        bool windowData = name.StartsWith(WindowsScheme, StringComparison.OrdinalIgnoreCase);
        if (!windowData && windows?.Proposals is not null)
            throw new LayerProbeException($"--proposals: applies to --data {WindowsScheme}DEVKIT:SPLIT only, not '{name}'");
        if (windowData) return (OpenWindows(name[WindowsScheme.Length..], windows), null);
        if (Sources.TryGetValue(name, out var open)) return open();
        if (name.StartsWith("fashion-mnist:", StringComparison.OrdinalIgnoreCase))
        {
            var classes = ClassList.Parse(name["fashion-mnist:".Length..], "--data");
            return (FashionMnistTrainingSource.Load("train", classes, 0, 0, InputScale), FashionMnistTrainingSource.Load("t10k", classes, 0, 0, InputScale));
        }
        throw new LayerProbeException($"train: unknown data source '{name}' (known: {string.Join(", ", Sources.Keys)}, fashion-mnist:CLASSES, {WindowsScheme}DEVKIT:SPLIT)");
    }

    static VocWindows OpenWindows(string devkitAndSplit, WindowSettings? windows)
    {
        int colon = devkitAndSplit.LastIndexOf(':');
        if (colon <= 0 || colon == devkitAndSplit.Length - 1)
            throw new LayerProbeException($"--data: '{WindowsScheme}{devkitAndSplit}' is not {WindowsScheme}DEVKIT:SPLIT");
        if (windows?.Proposals is not { } proposals)
            throw new LayerProbeException($"--data {WindowsScheme}…: needs --proposals FILE.csv (image_id,x1,y1,x2,y2 per line)");
        if (windows.Size <= 0 || windows.ContextPad < 0 || 2 * windows.ContextPad >= windows.Size)
            throw new LayerProbeException($"--window-size {windows.Size} with --context-pad {windows.ContextPad}: need size > 0 and 0 ≤ 2·pad < size");
        var rule = WindowRule.Parse(windows.FgRule);
        var warp = Preprocessing.Caffe(windows.Size, windows.ContextPad);
        return VocWindows.Load(new VocDevkit(devkitAndSplit[..colon]), devkitAndSplit[(colon + 1)..], proposals, rule, warp);
    }
}
