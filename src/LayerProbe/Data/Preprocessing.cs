using LayerProbe.Networks;

namespace LayerProbe.Data;

/// <summary>The input conventions a network can be fed in.</summary>
public enum PreprocessingConvention
{
    /// <summary>Chosen from the network (see <see cref="Preprocessing.For"/>).</summary>
    Auto,
    /// <summary><see cref="ImageNetPreprocessor"/>: the embedded ResNet-18's own BGR 0–255 minus mean image.</summary>
    ImageNet,
    /// <summary><see cref="CaffePreprocessor"/>: R-CNN warp, BGR 0–255, minus a mean pixel or mean image.</summary>
    Caffe,
}

/// <summary>
/// Picks the preprocessing a network was trained with. The embedded ResNet-18 (<see cref="ModelCatalog.ResNet18ImageNet"/>,
/// recognised by its file hash, or any network with its CNTK residual-stage naming) gets <see cref="ImageNetPreprocessor"/>
/// with the mean image of its shipped <c>ResNetPreprocess.onnx</c>. Networks in the CaffeNet vocabulary (conv1 … fc8)
/// get <see cref="CaffePreprocessor"/> with the ILSVRC-2012 mean pixel (BGR 104, 117, 123, what Caffe's
/// <c>ilsvrc_2012_mean</c> averages to) or the mean image of a given file. The chosen preprocessor's
/// <see cref="IPreprocessor.Description"/> names the convention and mean, so the choice is in every manifest and store key.
/// </summary>
public static class Preprocessing
{
    /// <summary>Caffe's ILSVRC-2012 mean image averaged per channel, BGR order, 0–255 scale (rounded as in R-CNN's code).</summary>
    public static readonly (float B, float G, float R) IlsvrcMeanPixel = (104f, 117f, 123f);

    static readonly Lazy<string> CatalogResNetSha = new(() =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(ModelCatalog.Resolve(ModelCatalog.ResNet18ImageNet)))));

    /// <summary>
    /// The preprocessor for <paramref name="network"/> at side <paramref name="size"/> (null: the network's declared
    /// input side, else 224 for ImageNet and 227 for Caffe). <paramref name="padding"/> is the Caffe warp's context
    /// (16 for boxes, 0 for whole images); <paramref name="meanFile"/> (Caffe only) replaces the mean pixel with a mean
    /// image; <paramref name="convention"/> overrides the automatic choice.
    /// </summary>
    public static IPreprocessor For(OnnxNetwork network, int? size = null, int padding = 0,
        PreprocessingConvention convention = PreprocessingConvention.Auto, string? meanFile = null)
    {
        if (convention == PreprocessingConvention.Auto) convention = ConventionOf(network);
        var declared = network.InputSize;
        if (declared is { } d && d.Height != d.Width)
            throw LayerProbeException.For(network.Path, $"the network takes {d.Height}x{d.Width} inputs; only square inputs are supported");
        if (size is { } s && declared is { } dd && s != dd.Height)
            throw LayerProbeException.For(network.Path, $"the network takes {dd.Height}x{dd.Width} inputs, not {s}x{s} (adapt it with a dynamic input first)");
        if (size is <= 0) throw LayerProbeException.For("--size", $"input size must be positive, got {size}");
        if (convention == PreprocessingConvention.ImageNet)
        {
            if (meanFile is not null) throw LayerProbeException.For(meanFile, "a mean file applies to Caffe preprocessing only");
            return ImageNetPreprocessor.FromOnnx(ModelCatalog.Resolve(ModelCatalog.ResNet18ImageNetPreprocess), size ?? declared?.Height ?? ImageNetPreprocessor.NativeSize);
        }
        int side = size ?? declared?.Height ?? 227;
        if (2 * padding >= side)
            throw LayerProbeException.For(network.Path, $"{side}x{side} inputs leave no room for the warp's {padding} pixels of context on each side (box items need inputs larger than {2 * padding})");
        return Caffe(side, padding, meanFile);
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

    /// <summary>The convention <see cref="For"/> picks for <paramref name="network"/> when not overridden.</summary>
    public static PreprocessingConvention ConventionOf(OnnxNetwork network)
    {
        // residual names first: the ResNet-18 table also uses the paper's pool1/pool5
        if (network.Aliases.Names.Contains("res5c") || network.Sha256 == CatalogResNetSha.Value) return PreprocessingConvention.ImageNet;
        if (network.Aliases.Names.Any(n => LayerAliases.CaffeNetVocabulary.Contains(n))) return PreprocessingConvention.Caffe;
        throw LayerProbeException.For(network.Path, "cannot tell the network's input convention; choose one (--preprocess imagenet|caffe)");
    }
}
