using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;

namespace LayerProbe.Data;

/// <summary>
/// The mean image of the embedded ImageNet ResNet-18 (NuGet Microsoft.ML.DnnImageFeaturizer.ResNet18). Its companion
/// graph <c>ResNetPreprocess.onnx</c> takes RGB planar 0–255 [1,3,224,224], splits the channels, concatenates them as
/// B,G,R and subtracts a 224×224 mean image (no scaling, no std division): the <see cref="InputConvention.CntkResNet"/>
/// convention, which <see cref="ConventionPreprocessor"/> feeds in one pass.
/// </summary>
public static class CntkResNetMean
{
    /// <summary>Input side of the ResNet-18 graph and of its mean image.</summary>
    public const int NativeSize = 224;

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
