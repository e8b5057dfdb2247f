using Google.Protobuf;
using LayerProbe.Networks;
using Onnx;

namespace LayerProbe.Tests.Features;

/// <summary>
/// A small CaffeNet-vocabulary ONNX graph built in the test (conv1 → relu1 → pool1 → conv2 → relu2 → pool5 global
/// average → fc6 via Flatten + Gemm) with seeded random weights, input N×3×16×16: fast enough for resume tests. Marked
/// with the Caffe input convention, as LayerProbe's own builders mark their networks.
/// </summary>
static class TinyNetwork
{
    public const int Size = 16;

    public static string Write(string directory, int seed = 3)
    {
        var random = new Random(seed);
        var graph = new GraphProto { Name = "tiny" };
        graph.Input.Add(Tensor("data", [-1, 3, Size, Size]));
        Initializer(graph, "w1", [4, 3, 3, 3], random);
        Initializer(graph, "b1", [4], random);
        Initializer(graph, "w2", [8, 4, 3, 3], random);
        Initializer(graph, "b2", [8], random);
        Initializer(graph, "w6", [5, 8], random);
        Initializer(graph, "b6", [5], random);
        graph.Node.Add(Node("Conv", ["data", "w1", "b1"], "conv1", Ints("pads", 1, 1, 1, 1)));
        graph.Node.Add(Node("Relu", ["conv1"], "relu1"));
        graph.Node.Add(Node("MaxPool", ["relu1"], "pool1", Ints("kernel_shape", 2, 2), Ints("strides", 2, 2)));
        graph.Node.Add(Node("Conv", ["pool1", "w2", "b2"], "conv2", Ints("pads", 1, 1, 1, 1)));
        graph.Node.Add(Node("Relu", ["conv2"], "relu2"));
        graph.Node.Add(Node("GlobalAveragePool", ["relu2"], "pool5"));
        graph.Node.Add(Node("Flatten", ["pool5"], "flat"));
        graph.Node.Add(Node("Gemm", ["flat", "w6", "b6"], "fc6", new AttributeProto { Name = "transB", Type = AttributeProto.Types.AttributeType.Int, I = 1 }));
        graph.Output.Add(Tensor("fc6", [-1, 5]));
        var model = new ModelProto { IrVersion = 8, Graph = graph, ProducerName = "LayerProbe.Tests" };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 13 });
        // fed the Caffe way, recorded as LayerProbe's builders record it
        model.MetadataProps.Add(new StringStringEntryProto { Key = LayerProbe.Data.InputConvention.MetadataKey, Value = "caffe" });
        string path = Path.Combine(directory, $"tiny-{seed}.onnx");
        File.WriteAllBytes(path, model.ToByteArray());
        return path;
    }

    public static OnnxNetwork Load(string directory, int seed = 3) => OnnxNetwork.Load(Write(directory, seed));

    static ValueInfoProto Tensor(string name, long[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var d in dims) shape.Dim.Add(d > 0 ? new TensorShapeProto.Types.Dimension { DimValue = d } : new TensorShapeProto.Types.Dimension { DimParam = "N" });
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } } };
    }

    static void Initializer(GraphProto graph, string name, long[] dims, Random random)
    {
        var t = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        t.Dims.AddRange(dims);
        long n = dims.Aggregate(1L, (a, b) => a * b);
        for (long i = 0; i < n; i++) t.FloatData.Add((float)(random.NextDouble() - 0.5));
        graph.Initializer.Add(t);
    }

    static NodeProto Node(string op, string[] inputs, string output, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = op, Name = output + "_node" };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        node.Attribute.AddRange(attributes);
        return node;
    }

    static AttributeProto Ints(string name, params long[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(values);
        return a;
    }
}

/// <summary>A temporary directory removed on dispose.</summary>
sealed class TempDir : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("layerprobe-test-").FullName;
    public string Sub(string name) => System.IO.Path.Combine(Path, name);
    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}
