using System.CommandLine;
using System.Globalization;
using LayerProbe.Data;

namespace LayerProbe.Cli;

/// <summary>
/// The input-convention options, defined once for every command that feeds images (<c>extract</c>, <c>probe</c>,
/// <c>train</c>, the training studies): <c>--preprocess caffe|torchvision|cntk-resnet|grey</c> and the overrides
/// <c>--channels rgb|bgr|grey</c>, <c>--scale</c>, <c>--mean</c> (numbers, or a Caffe mean image file), <c>--std</c> and
/// <c>--size</c>. <see cref="Request"/> turns them into a <see cref="PreprocessingRequest"/>.
/// </summary>
sealed class PreprocessOptions
{
    readonly Option<string> _preset = OptionCatalogue.Choice("--preprocess",
        "input convention (default: recorded in the network — LayerProbe's own builds, the shipped ResNet-18 — else required)", InputConvention.PresetList.Split('|'));
    readonly Option<string> _channels = OptionCatalogue.Choice("--channels", "override: channel order", ["rgb", "bgr", "grey"]);
    readonly Option<string?> _scale = new("--scale") { Description = "override: multiplier of the 0–255 pixel, e.g. 1/255" };
    readonly Option<string?> _mean = new("--mean") { Description = "override: per-channel mean in the scaled range and channel order (e.g. 0.485,0.456,0.406), or a Caffe mean image (.binaryproto or .npy, BGR 0–255)" };
    readonly Option<string?> _std = new("--std") { Description = "override: per-channel std (e.g. 0.229,0.224,0.225)" };
    readonly Option<int?> _size;

    /// <param name="sizeDescription">What <c>--size</c> does in this command.</param>
    public PreprocessOptions(string sizeDescription = "input side (default: the network's declared input, else 224)") =>
        _size = new("--size") { Description = sizeDescription };

    /// <summary>The <c>--size</c> option (commands that adapt the network read it too).</summary>
    public Option<int?> Size => _size;

    public void AddTo(Command command)
    {
        foreach (var o in new Option[] { _preset, _channels, _scale, _mean, _std, _size }) command.Options.Add(o);
    }

    /// <summary>What was asked; malformed values are a one-line error naming the option.</summary>
    public PreprocessingRequest Request(ParseResult parse)
    {
        string? mean = parse.GetValue(_mean);
        bool meanIsFile = mean is not null && !LooksNumeric(mean);
        return new PreprocessingRequest(
            parse.GetValue(_preset),
            parse.GetValue(_channels) is { } c ? Channels(c) : null,
            parse.GetValue(_scale) is { } s ? Number(s, "--scale") : null,
            mean is not null && !meanIsFile ? Numbers(mean, "--mean") : null,
            meanIsFile ? mean : null,
            parse.GetValue(_std) is { } d ? Numbers(d, "--std") : null,
            parse.GetValue(_size));
    }

    static bool LooksNumeric(string text) => text.Split(',').All(p => p.Trim() is var t && t.Length > 0 && (char.IsDigit(t[0]) || t[0] is '-' or '.' or '+'))
        && !File.Exists(text);

    static ChannelOrder Channels(string text) => text.ToLowerInvariant() switch
    {
        "rgb" => ChannelOrder.Rgb,
        "bgr" => ChannelOrder.Bgr,
        _ => ChannelOrder.Grey,
    };

    static float[] Numbers(string text, string option) =>
        [.. text.Split(',', StringSplitOptions.TrimEntries).Select(v => Number(v, option))];

    /// <summary>A number, or a fraction such as 1/255.</summary>
    static float Number(string text, string option)
    {
        var parts = text.Split('/', StringSplitOptions.TrimEntries);
        if (parts.Length is 1 or 2 && parts.All(p => float.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out _)))
        {
            float value = float.Parse(parts[0], CultureInfo.InvariantCulture);
            return parts.Length == 1 ? value : value / float.Parse(parts[1], CultureInfo.InvariantCulture);
        }
        throw LayerProbeException.For(option, $"'{text}' is not a number");
    }
}
