using Onnx;
using LayerProbe.Networks;

namespace LayerProbe.Training;

/// <summary>
/// The part of a network above one value, as its own ONNX model: e.g. pool5 → fc6 … fc8 → prob. Fc-only fine-tuning
/// trains this head on cached pool5 activations (no conv forward pass); <see cref="FineTuning.MergeHead"/> copies the
/// trained fc weights back into the full network.
/// </summary>
public static class ClassifierHead
{
    /// <summary>
    /// The sub-graph of <paramref name="network"/> computing its outputs from <paramref name="layer"/>, whose items have
    /// shape <paramref name="itemShape"/> (C, H, W).
    /// </summary>
    public static ModelProto From(OnnxNetwork network, string layer, int[] itemShape)
    {
        string value = network.ResolveLayer(layer);
        var model = network.Model;
        int start = model.Graph.Node.ToList().FindIndex(n => n.Output.Contains(value));
        var available = new HashSet<string>(model.Graph.Initializer.Select(i => i.Name)) { value };
        var head = new ModelProto
        {
            IrVersion = model.IrVersion, ProducerName = model.ProducerName, ProducerVersion = model.ProducerVersion,
            DocString = $"head of {network.Path} above {layer}",
            Graph = new GraphProto { Name = model.Graph.Name + "_head" },
        };
        head.OpsetImport.AddRange(model.OpsetImport.Select(o => o.Clone()));
        foreach (var node in model.Graph.Node.Skip(start + 1))
        {
            if (!node.Input.Where(i => i.Length > 0).All(available.Contains)) continue;
            head.Graph.Node.Add(node.Clone());
            foreach (var o in node.Output) available.Add(o);
        }
        var used = head.Graph.Node.SelectMany(n => n.Input).ToHashSet();
        head.Graph.Initializer.AddRange(model.Graph.Initializer.Where(i => used.Contains(i.Name)).Select(i => i.Clone()));
        var input = new ValueInfoProto { Name = value, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = OnnxTensors.Float, Shape = new TensorShapeProto() } } };
        input.Type.TensorType.Shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "N" });
        foreach (var d in itemShape) input.Type.TensorType.Shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        head.Graph.Input.Add(input);
        foreach (var output in model.Graph.Output.Where(o => available.Contains(o.Name))) head.Graph.Output.Add(output.Clone());
        if (head.Graph.Output.Count == 0)
            throw LayerProbeException.For(network.Path, $"no graph output is computed from '{layer}'");
        return head;
    }
}
