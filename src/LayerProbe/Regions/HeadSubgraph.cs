using Google.Protobuf;
using LayerProbe.Networks;
using Onnx;

namespace LayerProbe.Regions;

/// <summary>
/// The part of a network between a stored layer and a later one (R-CNN's <c>rcnn_pool5_to_fcX</c>: pool5 → fc6 → relu6
/// → fc7 → relu7), cut out of the ONNX graph as a model of its own whose input is the stored value. The nodes are
/// found from the graph — every node the target value depends on, walking back until the stored value — never from
/// layer names; their initializers (and Constant nodes) come along. A head that also reads the network's input, or
/// any other value not computed from the stored one, cannot be cut and is one clear line.
/// </summary>
public static class HeadSubgraph
{
    /// <summary>
    /// The model computing <paramref name="targetValue"/> from <paramref name="fromValue"/>, whose input is declared
    /// float N×<paramref name="itemShape"/> (the stored activation's shape per item).
    /// </summary>
    public static byte[] Cut(OnnxNetwork network, string fromValue, string targetValue, IReadOnlyList<int> itemShape) =>
        Cut(network, fromValue, [targetValue], [.. itemShape.Select(d => (object)d)]).ToByteArray();

    /// <summary>
    /// The model computing every one of <paramref name="targetValues"/> (its outputs, in that order) from
    /// <paramref name="fromValue"/> — a value some node produces, or a graph input such as the image — whose input is
    /// declared float N×<paramref name="itemDims"/> (each an <c>int</c>, or a <c>string</c> for a symbolic dimension).
    /// </summary>
    public static ModelProto Cut(OnnxNetwork network, string fromValue, IReadOnlyList<string> targetValues, IReadOnlyList<object> itemDims)
    {
        var graph = network.Model.Graph;
        var producer = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int n = 0; n < graph.Node.Count; n++)
            foreach (var o in graph.Node[n].Output)
                if (o.Length > 0) producer[o] = n;
        if (!producer.ContainsKey(fromValue) && graph.Input.All(i => i.Name != fromValue)) throw LayerProbeException.For(network.Path, $"no node produces '{fromValue}'");
        foreach (var targetValue in targetValues)
            if (!producer.ContainsKey(targetValue)) throw LayerProbeException.For(network.Path, $"no node produces '{targetValue}'");
        var initializers = graph.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);

        var keep = new SortedSet<int>();
        var usedInitializers = new SortedSet<string>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var targetValue in targetValues)
        {
            if (targetValue == fromValue) throw LayerProbeException.For(network.Path, $"'{targetValue}' is '{fromValue}' itself");
            var pending = new Stack<string>([targetValue]);
            while (pending.Count > 0)
            {
                string value = pending.Pop();
                if (value.Length == 0 || value == fromValue || !seen.Add(value)) continue;
                if (initializers.ContainsKey(value)) { usedInitializers.Add(value); continue; }
                if (!producer.TryGetValue(value, out int n))
                    throw LayerProbeException.For(network.Path, $"'{targetValue}' depends on '{value}', which is not computed from '{fromValue}'; the head cannot be cut there");
                if (keep.Add(n))
                    foreach (var input in graph.Node[n].Input) pending.Push(input);
            }
        }

        var head = new GraphProto { Name = $"{graph.Name}:{fromValue}->{string.Join(",", targetValues)}" };
        head.Input.Add(FloatTensor(fromValue, itemDims));
        foreach (var name in usedInitializers) head.Initializer.Add(initializers[name]);
        foreach (int n in keep) head.Node.Add(graph.Node[n]); // graph order is topological order
        foreach (var targetValue in targetValues) head.Output.Add(new ValueInfoProto { Name = targetValue });
        var model = new ModelProto { IrVersion = network.Model.IrVersion, Graph = head, ProducerName = "LayerProbe head subgraph" };
        model.OpsetImport.AddRange(network.Model.OpsetImport);
        return model;
    }

    static ValueInfoProto FloatTensor(string name, IReadOnlyList<object> itemDims)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "N" });
        foreach (var d in itemDims)
            shape.Dim.Add(d is string symbol ? new TensorShapeProto.Types.Dimension { DimParam = symbol } : new TensorShapeProto.Types.Dimension { DimValue = Convert.ToInt64(d) });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } },
        };
    }
}
