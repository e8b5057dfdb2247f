using Onnx;

namespace LayerProbe.Networks;

/// <summary>
/// A small helper to write ONNX graphs: declares inputs/outputs (with symbolic dimensions), adds initializers and
/// nodes with attributes, and wraps the graph in a model with an opset import.
/// </summary>
public sealed class OnnxGraphBuilder(string graphName)
{
    readonly GraphProto _graph = new() { Name = graphName };

    /// <summary>Declares a float32 graph input; each dim is an <c>int</c> (fixed) or a <c>string</c> (symbolic).</summary>
    public OnnxGraphBuilder Input(string name, params object[] dims) { _graph.Input.Add(ValueInfo(name, dims)); return this; }

    /// <summary>Declares a float32 graph output; each dim is an <c>int</c> (fixed) or a <c>string</c> (symbolic).</summary>
    public OnnxGraphBuilder Output(string name, params object[] dims) { _graph.Output.Add(ValueInfo(name, dims)); return this; }

    /// <summary>Adds a float32 initializer and returns its name.</summary>
    public string Initializer(string name, long[] dims, ReadOnlySpan<float> values)
    {
        if (values.Length != dims.Aggregate(1L, (a, b) => a * b))
            throw new ArgumentException($"initializer '{name}': {values.Length} values for dims [{string.Join(",", dims)}]");
        _graph.Initializer.Add(OnnxTensors.FromFloats(name, dims, values));
        return name;
    }

    /// <summary>Adds a 1-D int64 initializer (e.g. a Reshape shape) and returns its name.</summary>
    public string Initializer(string name, long[] values)
    {
        _graph.Initializer.Add(OnnxTensors.FromInt64s(name, [values.Length], values));
        return name;
    }

    /// <summary>Adds a node with one output named <paramref name="output"/>; returns the output name.</summary>
    public string Node(string opType, string name, string[] inputs, string output, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = opType, Name = name };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        node.Attribute.AddRange(attributes);
        _graph.Node.Add(node);
        return output;
    }

    /// <summary>The finished model (IR version 7, default-domain opset <paramref name="opset"/>).</summary>
    public ModelProto ToModel(int opset = 13, string docString = "")
    {
        var model = new ModelProto
        {
            IrVersion = 7, ProducerName = "LayerProbe", ProducerVersion = "1", Graph = _graph.Clone(), DocString = docString,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = opset });
        return model;
    }

    /// <summary>An INT attribute.</summary>
    public static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    /// <summary>An INTS attribute.</summary>
    public static AttributeProto Ints(string name, params long[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(values);
        return a;
    }

    /// <summary>A FLOAT attribute.</summary>
    public static AttributeProto Float(string name, float value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    /// <summary>A STRING attribute (UTF-8).</summary>
    public static AttributeProto String(string name, string value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = Google.Protobuf.ByteString.CopyFromUtf8(value) };

    static ValueInfoProto ValueInfo(string name, object[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var d in dims)
            shape.Dim.Add(d switch
            {
                int v => new TensorShapeProto.Types.Dimension { DimValue = v },
                long v => new TensorShapeProto.Types.Dimension { DimValue = v },
                string p => new TensorShapeProto.Types.Dimension { DimParam = p },
                _ => throw new ArgumentException($"dimension of '{name}' must be int or string"),
            });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = OnnxTensors.Float, Shape = shape } },
        };
    }
}
