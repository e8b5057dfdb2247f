using System.Globalization;

namespace LayerProbe.Data;

/// <summary>Channel order of a network's input.</summary>
public enum ChannelOrder
{
    /// <summary>Red, green, blue planes (torchvision).</summary>
    Rgb,
    /// <summary>Blue, green, red planes (Caffe, CNTK).</summary>
    Bgr,
    /// <summary>One plane, the average of R, G and B.</summary>
    Grey,
}

/// <summary>
/// How a network wants its input, as numbers: for a pixel x on the 0–255 scale in <see cref="Channels"/> order (grey: the
/// average of R, G, B), channel c gets <c>(x · Scale − Mean[c]) / Std[c]</c>; with a <see cref="MeanImage"/> (Caffe's
/// BGR 0–255 mean files, or the CNTK ResNet-18's) it gets <c>(x − mean image) · Scale / Std[c]</c>. The presets are the
/// conventions networks are trained with (<see cref="Presets"/>); command-line overrides derive new ones.
/// </summary>
/// <param name="Name">Preset the convention started from (or <c>custom</c>).</param>
/// <param name="Channels">Channel order.</param>
/// <param name="Scale">Multiplier taking the 0–255 pixel to the network's range (1, or 1/255).</param>
/// <param name="Mean">Per-channel mean in the scaled range, in channel order.</param>
/// <param name="Std">Per-channel divisor, in channel order.</param>
/// <param name="MeanImage">A mean image file (.binaryproto, .npy) or <see cref="CntkResNetMeanImage"/>, or null.</param>
public sealed record InputConvention(string Name, ChannelOrder Channels, float Scale, float[] Mean, float[] Std, string? MeanImage = null)
{
    /// <summary>ONNX <c>metadata_props</c> key under which LayerProbe's builders record a network's convention.</summary>
    public const string MetadataKey = "layerprobe.input_convention";

    /// <summary><see cref="MeanImage"/> value naming the shipped ResNet-18's mean image (its ResNetPreprocess.onnx).</summary>
    public const string CntkResNetMeanImage = "cntk-resnet";

    /// <summary>Caffe: BGR, 0–255, minus the ILSVRC-2012 mean pixel (104, 117, 123 — what <c>ilsvrc_2012_mean</c> averages to).</summary>
    public static InputConvention Caffe { get; } = new("caffe", ChannelOrder.Bgr, 1f, [104f, 117f, 123f], [1f, 1f, 1f]);

    /// <summary>torchvision: RGB, /255, mean (0.485, 0.456, 0.406), std (0.229, 0.224, 0.225).</summary>
    public static InputConvention Torchvision { get; } =
        new("torchvision", ChannelOrder.Rgb, 1f / 255, [0.485f, 0.456f, 0.406f], [0.229f, 0.224f, 0.225f]);

    /// <summary>
    /// The shipped CNTK ResNet-18: BGR, 0–255, minus the 224×224 mean image of its ResNetPreprocess.onnx (at other sizes
    /// the image's channel averages). <see cref="Mean"/> holds those averages for the record.
    /// </summary>
    public static InputConvention CntkResNet { get; } = new("cntk-resnet", ChannelOrder.Bgr, 1f, [], [1f, 1f, 1f], CntkResNetMeanImage);

    /// <summary>
    /// Grey: one plane, (grey − 72.94) / 80 — what <c>layerprobe train</c>'s Fashion-MNIST source feeds the one-channel
    /// networks it trains (mean pixel of the training images, about unit variance).
    /// </summary>
    public static InputConvention Grey { get; } = new("grey", ChannelOrder.Grey, 1f,
        [Training.FashionMnistTrainingSource.MeanPixel], [80f]);

    /// <summary>The presets by name.</summary>
    public static IReadOnlyDictionary<string, InputConvention> Presets { get; } =
        new Dictionary<string, InputConvention>(StringComparer.OrdinalIgnoreCase)
        {
            [Caffe.Name] = Caffe, [Torchvision.Name] = Torchvision, [CntkResNet.Name] = CntkResNet, [Grey.Name] = Grey,
        };

    /// <summary>The preset names joined by '|', as the command line spells the choice.</summary>
    public static string PresetList => string.Join("|", Presets.Keys);

    /// <summary>Number of input channels.</summary>
    public int ChannelCount => Channels == ChannelOrder.Grey ? 1 : 3;

    /// <summary>All numbers in one line (part of every manifest and feature-store key).</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Name}(channels={Channels.ToString().ToLowerInvariant()},scale={Scale:R},mean=({Join(Mean)}),std=({Join(Std)}){(MeanImage is null ? "" : $",mean-image={MeanImage}")})");

    static string Join(float[] values) => string.Join(",", values.Select(v => v.ToString("R", CultureInfo.InvariantCulture)));

    /// <summary>Refuses inconsistent numbers (counts, non-positive scale or std, a mean image on grey input).</summary>
    public void Validate()
    {
        string? problem = Scale > 0 && float.IsFinite(Scale) ? null : $"scale must be positive, got {Scale}";
        problem ??= Mean.Length == ChannelCount || (MeanImage is not null && Mean.Length == 0) ? null
            : $"--mean needs {ChannelCount} value(s) for {Channels.ToString().ToLowerInvariant()} input, got {Mean.Length}";
        problem ??= Std.Length == ChannelCount ? null : $"--std needs {ChannelCount} value(s) for {Channels.ToString().ToLowerInvariant()} input, got {Std.Length}";
        problem ??= Std.All(s => s > 0 && float.IsFinite(s)) ? null : "--std values must be positive";
        problem ??= Mean.All(float.IsFinite) ? null : "--mean values must be finite";
        problem ??= MeanImage is not null && Channels == ChannelOrder.Grey ? "a mean image applies to colour input only" : null;
        if (problem is not null) throw LayerProbeException.ForParameter("preprocessing", $"{Name}: {problem}");
    }
}
