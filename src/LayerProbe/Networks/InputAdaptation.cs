using Google.Protobuf;
using Onnx;

namespace LayerProbe.Networks;

/// <summary>
/// Re-declares a network's input as [N, C, H, W] with a dynamic batch and a chosen image size. Average pools whose
/// kernel covers the whole map at the declared size (a CNTK/Caffe-style "global" pool written as a fixed 7×7
/// AveragePool) become GlobalAveragePool, so the network stays a feature extractor at any size. Stale shape
/// annotations are dropped; the result is a new network with its own hash, so its features never mix with the
/// original's. <see cref="FreeBatch(byte[])"/> is the batch-only change, used by extraction and the benchmark; it keeps
/// the per-image computation, so stores stay keyed by the original network's hash.
/// </summary>
public static class InputAdaptation
{
    /// <summary>
    /// Makes a model batchable: exported models often fix the batch dimension to 1 (the CNTK ResNet-18 does); this turns
    /// a leading dimension of 1 on the data input, the outputs and the recorded value shapes into a symbolic <c>N</c>.
    /// Graphs that bake the batch size into operators (e.g. a Reshape to [1, -1]) still need batch 1. The computation
    /// per image is unchanged, so callers key features by the original network's hash (extraction does).
    /// </summary>
    public static byte[] FreeBatch(byte[] modelBytes)
    {
        var model = ModelProto.Parser.ParseFrom(modelBytes);
        FreeBatch(model);
        return model.ToByteArray();
    }

    /// <summary>In place: a leading batch dimension of 1 on data inputs, outputs and value infos becomes symbolic <c>N</c>.</summary>
    public static void FreeBatch(ModelProto model)
    {
        var initializers = model.Graph.Initializer.Select(t => t.Name).ToHashSet();
        var values = model.Graph.Input.Where(i => !initializers.Contains(i.Name)).Concat(model.Graph.Output).Concat(model.Graph.ValueInfo);
        foreach (var value in values)
        {
            var dims = value.Type?.TensorType?.Shape?.Dim;
            if (dims is { Count: > 0 } && dims[0].ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue && dims[0].DimValue == 1)
                dims[0] = new TensorShapeProto.Types.Dimension { DimParam = "N" };
        }
    }

    /// <summary>
    /// The network every extracting command (extract, probe, the studies) feeds at input side <paramref name="size"/>:
    /// itself when no size is asked, when it is the declared one or when the input is dynamic — extraction frees a fixed
    /// batch itself and keys stores by this network's hash, so <c>extract</c> and <c>probe</c> share their stores — and
    /// otherwise the network adapted to that side (<see cref="WithInput"/>: a new graph with its own hash).
    /// </summary>
    public static OnnxNetwork AtInputSide(this OnnxNetwork network, int? size) =>
        size is { } s && network.InputSize is { } declared && (declared.Height != s || declared.Width != s) ? network.WithInput(s, s) : network;

    /// <summary>The network with dynamic batch and input size <paramref name="height"/>×<paramref name="width"/> (null: keep declared).</summary>
    public static OnnxNetwork WithInput(this OnnxNetwork network, int? height = null, int? width = null)
    {
        var declared = network.InputSize;
        int h = height ?? declared?.Height ?? throw LayerProbeException.For(network.Path, "input size is dynamic; give --size");
        int w = width ?? declared?.Width ?? throw LayerProbeException.For(network.Path, "input size is dynamic; give --size");
        var globalPools = declared is null ? [] : WholeMapAveragePools(network);

        var model = network.Model.Clone();
        var input = model.Graph.Input.First(i => i.Name == network.InputName);
        var dims = input.Type.TensorType.Shape.Dim;
        dims.Clear();
        dims.Add(new TensorShapeProto.Types.Dimension { DimParam = "N" }); // any declared batch, not only 1 (cf. FreeBatch)
        dims.Add(new TensorShapeProto.Types.Dimension { DimValue = network.InputChannels });
        dims.Add(new TensorShapeProto.Types.Dimension { DimValue = h });
        dims.Add(new TensorShapeProto.Types.Dimension { DimValue = w });
        model.Graph.ValueInfo.Clear();
        foreach (var output in model.Graph.Output) output.Type = null;
        foreach (var node in model.Graph.Node.Where(n => globalPools.Contains(n.Name)))
        {
            node.OpType = "GlobalAveragePool";
            node.Attribute.Clear();
        }
        string label = declared == (h, w) ? $"{network.Path}@batched" : $"{network.Path}@{h}x{w}";
        return OnnxNetwork.FromBytes(model.ToByteArray(), label, network.DataInputs.Count > 1 ? network.InputName : null, network.OriginSha256);
    }

    /// <summary>Names of AveragePool nodes whose kernel equals their input map at the declared input size.</summary>
    static HashSet<string> WholeMapAveragePools(OnnxNetwork network)
    {
        var pools = network.Model.Graph.Node.Where(n => n.OpType == "AveragePool").ToList();
        if (pools.Count == 0) return [];
        var shapes = LayerTable.Read(network).ToDictionary(r => r.Value, r => r.Shape);
        var result = new HashSet<string>();
        foreach (var pool in pools)
        {
            var kernel = pool.Attribute.FirstOrDefault(a => a.Name == "kernel_shape")?.Ints;
            var inputShape = shapes.GetValueOrDefault(pool.Input[0]);
            if (kernel is { Count: 2 } && inputShape is { Length: 3 } && kernel[0] == inputShape[1] && kernel[1] == inputShape[2]
                && pool.Attribute.All(a => a.Name != "pads" || a.Ints.All(p => p == 0)))
                result.Add(pool.Name);
        }
        return result;
    }
}
