using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace LayerProbe.Networks;

/// <summary>One row of a network's layer table.</summary>
/// <param name="Alias">Paper-vocabulary name (pool5, res3b, …) or null.</param>
/// <param name="Value">Graph value name (what extraction asks for).</param>
/// <param name="Op">ONNX operator producing it.</param>
/// <param name="Node">Producing node's name.</param>
/// <param name="Shape">Output shape for one image (batch dimension dropped).</param>
public sealed record LayerInfo(string? Alias, string Value, string Op, string Node, int[] Shape)
{
    /// <summary>Number of feature dimensions per image.</summary>
    public long Dimensions => Shape.Aggregate(1L, (a, b) => a * b);
}

/// <summary>
/// Lists every layer of a network with its output shape for a given input size, by running ONNX Runtime once on a
/// zero image with every node output exposed (so shapes are what the runtime computes, not a re-derivation).
/// </summary>
public static class LayerTable
{
    /// <summary>All node outputs of <paramref name="network"/> for an input of the given size (default: declared).</summary>
    public static IReadOnlyList<LayerInfo> Read(OnnxNetwork network, int? height = null, int? width = null)
    {
        var declared = network.InputSize;
        int h = height ?? declared?.Height ?? 224, w = width ?? declared?.Width ?? 224;
        var outputs = network.NodeOutputs().ToList();
        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL };
        using var session = OnnxSession.Create(network, network.WithOutputs(outputs.Select(o => o.Value)), options);
        var input = new DenseTensor<float>([1, network.InputChannels, h, w]);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(network.InputName, input)]);
        var shapes = results.ToDictionary(r => r.Name, r => r.AsTensor<float>().Dimensions.ToArray());
        return outputs.Select(o => new LayerInfo(network.Aliases.AliasOf(o.Value), o.Value, o.Node.OpType, o.Node.Name,
            shapes.TryGetValue(o.Value, out var s) ? s.Skip(1).ToArray() : [])).ToList();
    }
}
