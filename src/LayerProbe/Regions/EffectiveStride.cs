using LayerProbe.Networks;
using Onnx;

namespace LayerProbe.Regions;

/// <summary>
/// The effective stride of a layer: how many input pixels one step on its feature map spans (16 for CaffeNet's conv5,
/// 4/8/16/32 for ResNet's stages) — SPP-net's and Fast R-CNN's <c>spatial_scale</c> = 1/stride. Read from the graph,
/// never from names: walking the nodes in order from the image input, a strided node (Conv, MaxPool, AveragePool,
/// LpPool) multiplies its input's stride by its <c>strides</c> attribute, and any other node keeps
/// its input's stride when its output has the same height and width as that input (element-wise operations,
/// normalisations, concatenations, channel shuffles) at the declared input size. A node that changes the spatial size
/// any other way (Resize, Upsample, a transposed convolution, reshapes into other sizes) leaves the stride unknown;
/// inputs of one node with different strides (a skip connection joining two resolutions) do too.
/// </summary>
public static class EffectiveStride
{
    static readonly HashSet<string> Strided = new(StringComparer.Ordinal) { "Conv", "MaxPool", "AveragePool", "LpPool", "ConvInteger", "QLinearConv" };

    /// <summary>
    /// The (vertical, horizontal) stride of every activation whose stride is known. <paramref name="shapes"/> are the
    /// per-item shapes of the image input and of the activations at one input size (<see cref="LayerTable"/>).
    /// </summary>
    public static IReadOnlyDictionary<string, (int Y, int X)> Of(OnnxNetwork network, IReadOnlyDictionary<string, int[]> shapes)
    {
        var strides = new Dictionary<string, (int Y, int X)>(StringComparer.Ordinal) { [network.InputName] = (1, 1) };
        int[]? ShapeOf(string value) => shapes.GetValueOrDefault(value);
        foreach (var node in network.Model.Graph.Node)
        {
            var known = node.Input.Where(strides.ContainsKey).ToList();
            if (known.Count == 0) continue;
            var distinct = known.Select(v => strides[v]).Distinct().ToList();
            if (distinct.Count != 1) continue; // two resolutions meet: unknown
            var (sy, sx) = distinct[0];
            if (Strided.Contains(node.OpType))
            {
                var attribute = node.Attribute.FirstOrDefault(a => a.Name == "strides");
                if (attribute is not null && attribute.Ints.Count != 2) continue; // not a 2-D operator
                long ky = attribute?.Ints[0] ?? 1, kx = attribute?.Ints[1] ?? 1;
                foreach (var o in node.Output.Where(o => o.Length > 0 && shapes.ContainsKey(o)))
                    strides[o] = (checked((int)(sy * ky)), checked((int)(sx * kx)));
                continue;
            }
            var from = ShapeOf(known[0]);
            foreach (var o in node.Output.Where(o => o.Length > 0))
                if (from is { Length: 3 } && ShapeOf(o) is { Length: 3 } to && to[1] == from[1] && to[2] == from[2])
                    strides[o] = (sy, sx);
        }
        strides.Remove(network.InputName);
        return strides;
    }
}
