using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;

namespace LayerProbe.Data;

/// <summary>
/// Input for the embedded ImageNet ResNet-18 (NuGet Microsoft.ML.DnnImageFeaturizer.ResNet18). Its companion graph
/// <c>ResNetPreprocess.onnx</c> takes RGB planar 0–255 [1,3,224,224], splits the channels, concatenates them as B,G,R and
/// subtracts a 224×224 mean image (no scaling, no std division). This preprocessor does the same in one pass: the
/// region (whole image when null) resized anisotropically to <see cref="Size"/>² with the toolkit's one bilinear warp
/// (padding 0), BGR, 0–255, minus that mean image. At a size other than 224 the mean image's per-channel averages are
/// subtracted instead.
/// </summary>
public sealed class ImageNetPreprocessor : IPreprocessor
{
    /// <summary>Input side of the ResNet-18 graph.</summary>
    public const int NativeSize = 224;
    readonly MeanImage _mean;

    ImageNetPreprocessor(MeanImage mean, int size) { _mean = mean; Size = size; }

    /// <summary>Reads the mean and channel order from a ResNetPreprocess-style ONNX graph (Split → Concat → Sub).</summary>
    public static ImageNetPreprocessor FromOnnx(string preprocessGraphPath, int size = NativeSize)
    {
        if (size <= 0) throw new ArgumentOutOfRangeException(nameof(size), "must be positive");
        var mean = ReadBgrMean(preprocessGraphPath);
        return new(size == NativeSize ? mean : PixelOf(mean, size), size);
    }

    /// <summary>Side of the output.</summary>
    public int Size { get; }
    /// <inheritdoc/>
    public int Channels => 3;
    /// <inheritdoc/>
    public int Height => Size;
    /// <inheritdoc/>
    public int Width => Size;
    /// <inheritdoc/>
    public string Description => $"imagenet-resnet(size={Size},resize=bilinear-noaa,order=BGR,scale=0-255,mean={_mean.Description})";

    /// <inheritdoc/>
    public void Fill(RgbImage image, PixelBox? region, Span<float> destination) =>
        CaffePreprocessor.WarpInto(image, region ?? PixelBox.WholeImage(image.Width, image.Height), Size, 0, _mean.Values, destination);

    static MeanImage PixelOf(MeanImage mean, int size)
    {
        var (b, g, r) = mean.ChannelMeans();
        return MeanImage.FromPixel(b, g, r, size);
    }

    /// <summary>
    /// Checks the graph is exactly Split(axis 1, RGB) → Concat(axis 1) in B,G,R order → Sub(mean initializer) and
    /// returns the mean image (already in the concatenated, BGR, order).
    /// </summary>
    internal static MeanImage ReadBgrMean(string path)
    {
        ModelProto model;
        try { model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(path)); }
        catch (Exception e) when (e is IOException or InvalidProtocolBufferException or UnauthorizedAccessException)
        { throw LayerProbeException.For(path, $"cannot read the preprocessing graph: {e.Message}", e); }
        var nodes = model.Graph?.Node.ToList() ?? [];
        if (nodes.Count != 3 || nodes[0].OpType != "Split" || nodes[1].OpType != "Concat" || nodes[2].OpType != "Sub")
            throw LayerProbeException.For(path, $"expected a Split → Concat → Sub graph, found {string.Join(" → ", nodes.Select(n => n.OpType))}");
        var split = nodes[0].Output.ToList();
        var order = nodes[1].Input.Select(name => split.IndexOf(name)).ToArray();
        if (!order.SequenceEqual([2, 1, 0]))
            throw LayerProbeException.For(path, $"channel order {string.Join(",", order)} of the RGB input is not B,G,R");
        var meanName = nodes[2].Input[1];
        var tensor = model.Graph!.Initializer.FirstOrDefault(t => t.Name == meanName)
            ?? throw LayerProbeException.For(path, $"mean tensor '{meanName}' is not an initializer");
        if (!tensor.Dims.SequenceEqual([1L, 3, NativeSize, NativeSize]) || tensor.DataType != (int)TensorProto.Types.DataType.Float)
            throw LayerProbeException.For(path, $"mean tensor '{meanName}' is not float 1x3x{NativeSize}x{NativeSize}");
        float[] values = tensor.FloatData.Count > 0 ? [.. tensor.FloatData] : MemoryMarshal.Cast<byte, float>(tensor.RawData.Span).ToArray();
        return MeanImage.CenterCrop(values, NativeSize, NativeSize);
    }
}
