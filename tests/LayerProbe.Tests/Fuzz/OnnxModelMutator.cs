using Google.Protobuf;
using Onnx;

namespace LayerProbe.Tests.Fuzz;

/// <summary>
/// Structure-aware ONNX mutations, which byte flips rarely reach because they mostly break the protobuf framing:
/// a tensor or input dimension, an attribute value, a node's operator, inputs or outputs, an initializer's data or
/// type, the opset or IR version set to an interesting value — then the model is serialised again.
/// </summary>
sealed class OnnxModelMutator(int seed, IReadOnlyList<byte[]> seeds)
{
    readonly Random _random = new(seed);
    readonly ModelProto[] _models = [.. seeds.Select(s => ModelProto.Parser.ParseFrom(s))];

    static readonly long[] Interesting = [0, 1, -1, 2, 3, 7, 64, 1000, 65536, 1 << 20, int.MaxValue, 1L << 31, 1L << 32, long.MaxValue, long.MinValue];
    static readonly string[] Ops = ["Conv", "Relu", "MaxPool", "AveragePool", "GlobalAveragePool", "Gemm", "MatMul", "Flatten", "Reshape", "Concat", "Add", "LRN", "Softmax", "Dropout", "Transpose", "NoSuchOp", ""];

    long Pick() => Interesting[_random.Next(Interesting.Length)];

    /// <summary>A model with one to three structural mutations.</summary>
    public byte[] Next()
    {
        var model = _models[_random.Next(_models.Length)].Clone();
        for (int n = 1 + _random.Next(3), i = 0; i < n; i++) Mutate(model);
        return model.ToByteArray();
    }

    void Mutate(ModelProto model)
    {
        var graph = model.Graph;
        var node = graph.Node.Count > 0 ? graph.Node[_random.Next(graph.Node.Count)] : null;
        var tensor = graph.Initializer.Count > 0 ? graph.Initializer[_random.Next(graph.Initializer.Count)] : null;
        switch (_random.Next(10))
        {
            case 0 when tensor is not null:
                if (tensor.Dims.Count > 0 && _random.Next(4) > 0) tensor.Dims[_random.Next(tensor.Dims.Count)] = Pick();
                else tensor.Dims.Add(Pick());
                break;
            case 1 when graph.Input.Count > 0:
            {
                var dims = graph.Input[_random.Next(graph.Input.Count)].Type?.TensorType?.Shape?.Dim;
                if (dims is { Count: > 0 }) dims[_random.Next(dims.Count)] = new TensorShapeProto.Types.Dimension { DimValue = Pick() };
                break;
            }
            case 2 when node is { Attribute.Count: > 0 }:
            {
                var attribute = node.Attribute[_random.Next(node.Attribute.Count)];
                if (attribute.Ints.Count > 0) attribute.Ints[_random.Next(attribute.Ints.Count)] = Pick();
                else if (_random.Next(2) == 0) attribute.I = Pick();
                else attribute.Type = (AttributeProto.Types.AttributeType)_random.Next(15);
                break;
            }
            case 3 when node is not null:
                node.OpType = Ops[_random.Next(Ops.Length)];
                break;
            case 4 when node is { Input.Count: > 0 }:
                if (_random.Next(2) == 0) node.Input.RemoveAt(_random.Next(node.Input.Count));
                else node.Input[_random.Next(node.Input.Count)] = graph.Node[_random.Next(graph.Node.Count)].Output.FirstOrDefault() ?? "";
                break;
            case 5 when node is not null:
                if (node.Output.Count > 0 && _random.Next(2) == 0) node.Output.RemoveAt(0);
                else node.Output.Add(_random.Next(2) == 0 ? "" : "extra");
                break;
            case 6 when tensor is not null:
                if (_random.Next(2) == 0 && tensor.FloatData.Count > 0) tensor.FloatData.RemoveAt(tensor.FloatData.Count - 1);
                else tensor.RawData = ByteString.CopyFrom(new byte[_random.Next(64)]);
                break;
            case 7 when tensor is not null:
                tensor.DataType = _random.Next(20);
                break;
            case 8:
                if (model.OpsetImport.Count > 0) model.OpsetImport[0].Version = Pick();
                else model.IrVersion = Pick();
                break;
            default:
                if (node is not null && _random.Next(2) == 0) graph.Node.Remove(node);
                else if (graph.Output.Count > 0) graph.Output.RemoveAt(0);
                break;
        }
    }
}
