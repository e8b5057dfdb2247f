using LayerProbe.Networks;

namespace LayerProbe.Bench;

/// <summary>Forward FLOPs per image of Conv and Gemm/MatMul nodes (2 per multiply-add), from ONNX Runtime's output shapes.</summary>
static class ModelFlops
{
    public static double PerImage(OnnxNetwork network)
    {
        var table = LayerTable.Read(network).ToDictionary(r => r.Value, r => r.Shape);
        var initializers = network.Model.Graph.Initializer.ToDictionary(t => t.Name, t => t.Dims.ToArray());
        double flops = 0;
        foreach (var node in network.Model.Graph.Node)
        {
            if (node.Output.Count == 0 || !table.TryGetValue(node.Output[0], out var outShape)) continue;
            long outputs = outShape.Aggregate(1L, (a, b) => a * b);
            if (node.OpType == "Conv" && initializers.TryGetValue(node.Input[1], out var w) && w.Length == 4)
                flops += 2.0 * outputs * w[1] * w[2] * w[3];
            else if (node.OpType is "Gemm" or "MatMul" && initializers.TryGetValue(node.Input[1], out var m) && m.Length == 2)
                flops += 2.0 * outputs * (node.OpType == "Gemm" && node.Attribute.Any(a => a.Name == "transB" && a.I == 1) ? m[1] : m[0]);
        }
        return flops;
    }
}
