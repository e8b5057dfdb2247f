using LayerProbe.Networks;

namespace LayerProbe.Data;

/// <summary>
/// Picks the input convention a network is fed in (<see cref="InputConvention"/>) and builds its preprocessor. The
/// automatic choice uses only evidence that cannot be a coincidence: the shipped ResNet-18 (recognised by the content
/// hash of the file it came from) gets <see cref="InputConvention.CntkResNet"/>; a network built by LayerProbe (CaffeNet
/// from <c>build-net</c>, CaffeNet-mini from <c>train</c>, and their snapshots) carries its convention in the ONNX
/// <c>metadata_props</c> (<see cref="InputConvention.MetadataKey"/>). Anything else needs <c>--preprocess NAME</c> (or all
/// of <c>--channels/--scale/--mean/--std</c>). The preprocessor's <see cref="IPreprocessor.Description"/> holds every
/// number, so the choice is in every manifest and store key.
/// </summary>
public static class Preprocessing
{
    /// <summary>Caffe's ILSVRC-2012 mean image averaged per channel, BGR order, 0–255 scale (rounded as in R-CNN's code).</summary>
    public static readonly (float B, float G, float R) IlsvrcMeanPixel = (104f, 117f, 123f);

    /// <summary>SHA-256 of the shipped ResNet-18 (NuGet Microsoft.ML.DnnImageFeaturizer.ResNet18 0.23.1, ResNet18.onnx).</summary>
    public const string ShippedResNet18Sha256 = "e2552f19db2dfdb01b3669537b6a0f1b44da38d18279535492ed5dfc2ef1ff8f";

    /// <summary>The preprocessor for <paramref name="network"/> at its automatic convention and side <paramref name="size"/>.</summary>
    public static ConventionPreprocessor For(OnnxNetwork network, int? size = null, int padding = 0) =>
        For(network, PreprocessingRequest.Automatic with { Size = size }, padding);

    /// <summary>
    /// The preprocessor for <paramref name="network"/> as <paramref name="request"/> asks (side: the request's, else the
    /// network's declared one, else <see cref="OnnxNetwork.DefaultInputSide"/>). <paramref name="padding"/> is the warp's
    /// context (16 for boxes, 0 for whole images).
    /// </summary>
    public static ConventionPreprocessor For(OnnxNetwork network, PreprocessingRequest request, int padding = 0)
    {
        var convention = Resolve(network, request);
        var declared = network.InputSize;
        if (declared is { } d && d.Height != d.Width)
            throw LayerProbeException.For(network.Path, $"the network takes {d.Height}x{d.Width} inputs; only square inputs are supported");
        if (request.Size is { } s && declared is { } dd && s != dd.Height)
            throw LayerProbeException.For(network.Path, $"the network takes {dd.Height}x{dd.Width} inputs, not {s}x{s} (adapt it with a dynamic input first)");
        if (request.Size is <= 0) throw LayerProbeException.ForParameter("size", $"input size must be positive, got {request.Size}");
        int side = request.Size ?? declared?.Height ?? OnnxNetwork.DefaultInputSide;
        if (2 * padding >= side)
            throw LayerProbeException.For(network.Path, $"{side}x{side} inputs leave no room for the warp's {padding} pixels of context on each side (box items need inputs larger than {2 * padding})");
        if (convention.ChannelCount != network.InputChannels)
            throw LayerProbeException.For(network.Path, $"the network takes {network.InputChannels} input channel(s); the {convention.Name} convention makes {convention.ChannelCount}");
        return Build(convention, side, padding);
    }

    /// <summary>The preprocessor of <paramref name="convention"/> at side <paramref name="side"/>, its mean image loaded.</summary>
    public static ConventionPreprocessor Build(InputConvention convention, int side, int padding = 0)
    {
        convention.Validate();
        if (convention.MeanImage is null) return new ConventionPreprocessor(convention, side, padding);
        if (convention.MeanImage != InputConvention.CntkResNetMeanImage)
            return new ConventionPreprocessor(convention, side, padding, MeanImageFile.Load(convention.MeanImage, side));
        var mean = CntkResNetMean.ReadBgrMean(ModelCatalog.Resolve(ModelCatalog.ResNet18ImageNetPreprocess));
        var (b, g, r) = mean.ChannelMeans();
        float[] averages = convention.Channels == ChannelOrder.Bgr ? [b, g, r] : [r, g, b];
        if (side == CntkResNetMean.NativeSize)
            return new ConventionPreprocessor(convention with { Mean = averages.Select(v => v * convention.Scale).ToArray() }, side, padding, mean);
        // at another side the mean image's channel averages are subtracted
        return new ConventionPreprocessor(convention with { Mean = averages.Select(v => v * convention.Scale).ToArray(), MeanImage = null }, side, padding);
    }

    /// <summary>
    /// Caffe preprocessing (R-CNN warp to <paramref name="side"/>² with <paramref name="padding"/> pixels of context,
    /// BGR 0–255) minus the ILSVRC mean pixel, or the mean image of <paramref name="meanFile"/>.
    /// </summary>
    public static CaffePreprocessor Caffe(int side, int padding, string? meanFile = null)
    {
        var mean = meanFile is null
            ? MeanImage.FromPixel(IlsvrcMeanPixel.B, IlsvrcMeanPixel.G, IlsvrcMeanPixel.R, side)
            : MeanImageFile.Load(meanFile, side);
        return new CaffePreprocessor(mean, side, padding);
    }

    /// <summary>The convention <paramref name="request"/> asks for on <paramref name="network"/>, overrides applied.</summary>
    public static InputConvention Resolve(OnnxNetwork network, PreprocessingRequest request)
    {
        InputConvention convention;
        if (request.Preset is { } name)
            convention = InputConvention.Presets.TryGetValue(name, out var preset) ? preset
                : throw LayerProbeException.ForParameter("preprocessing", $"unknown input convention '{name}' (known: {InputConvention.PresetList.Replace('|', ',')})");
        else if (request.IsComplete)
            convention = new InputConvention("custom", request.Channels!.Value, request.Scale!.Value, request.Mean ?? [], request.Std!, request.MeanImage);
        else convention = ConventionOf(network);
        return request.Apply(convention);
    }

    /// <summary>The convention the network's own evidence names; otherwise a one-line request to choose.</summary>
    public static InputConvention ConventionOf(OnnxNetwork network)
    {
        if (network.OriginSha256 == ShippedResNet18Sha256) return InputConvention.CntkResNet;
        var marked = network.Model.MetadataProps.FirstOrDefault(p => p.Key == InputConvention.MetadataKey)?.Value;
        if (marked is not null && InputConvention.Presets.TryGetValue(marked, out var convention)) return convention;
        throw LayerProbeException.For(network.Path, $"input convention unknown; pass --preprocess {InputConvention.PresetList}");
    }
}
