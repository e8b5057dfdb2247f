using Google.Protobuf;
using LayerProbe.Networks;
using LayerProbe.Networks.Torch;
using Xunit.Abstractions;
using static LayerProbe.Networks.OnnxGraphBuilder;

namespace LayerProbe.Tests.Networks;

/// <summary>
/// ONNX Runtime vs TorchSharp on small graphs exercising the operator variants the three networks do not use:
/// asymmetric and automatic padding, dilations, average pooling with/without padding counted, Gemm transA/alpha/beta,
/// MatMul, Reshape, broadcasting arithmetic, Concat, Constant, Identity, opset-13 BatchNormalization, and the
/// opset-8 forms (BatchNormalization spatial = 0, Softmax coerced to 2-D).
/// </summary>
public class OperatorParityTests(ITestOutputHelper log)
{
    static float[] Weights(int count, int seed) => Parity.Input(count, seed, 0.3);
    static float[] Positive(int count, int seed) => Parity.Input(count, seed, 0.3).Select(v => 0.5f + Math.Abs(v)).ToArray();

    [Fact]
    public void Opset13_operator_variants_match_onnx_runtime()
    {
        var g = new OnnxGraphBuilder("ops13");
        g.Input("x", 2, 4, 9, 9);
        g.Node("Conv", "c1", ["x", g.Initializer("w1", [6, 4, 2, 2], Weights(96, 1)), g.Initializer("b1", [6], Weights(6, 2))], "c1",
            Ints("kernel_shape", 2, 2), Ints("strides", 2, 2), String("auto_pad", "SAME_UPPER"));
        g.Node("Conv", "c2", ["x", g.Initializer("w2", [4, 2, 2, 2], Weights(32, 3))], "c2",
            Int("group", 2), String("auto_pad", "SAME_LOWER"));
        g.Node("Conv", "c3", ["x", g.Initializer("w3", [4, 4, 3, 3], Weights(144, 4)), g.Initializer("b3", [4], Weights(4, 5))], "c3",
            Ints("pads", 1, 0, 2, 1), Ints("dilations", 2, 1), Ints("strides", 1, 2));
        g.Node("AveragePool", "p1", ["c2"], "p1", Ints("kernel_shape", 3, 3), Ints("strides", 2, 2), Ints("pads", 1, 1, 0, 0),
            Int("count_include_pad", 0), Int("ceil_mode", 1));
        g.Node("AveragePool", "p2", ["c2"], "p2", Ints("kernel_shape", 3, 3), Ints("strides", 2, 2), Ints("pads", 0, 1, 1, 0),
            Int("count_include_pad", 1));
        g.Node("AveragePool", "p3", ["c2"], "p3", Ints("kernel_shape", 3, 3), Ints("pads", 1, 1, 1, 1), Int("count_include_pad", 0));
        g.Node("MaxPool", "p4", ["c3"], "p4", Ints("kernel_shape", 2, 2), Ints("strides", 2, 2), String("auto_pad", "SAME_UPPER"));
        g.Node("MaxPool", "p5", ["c2"], "p5", Ints("kernel_shape", 3, 3), Ints("strides", 2, 2), Ints("pads", 1, 1, 1, 1));
        g.Node("BatchNormalization", "bn", ["c1", g.Initializer("bn.scale", [6], Positive(6, 6)), g.Initializer("bn.bias", [6], Weights(6, 7)),
            g.Initializer("bn.mean", [6], Weights(6, 8)), g.Initializer("bn.var", [6], Positive(6, 9))], "bn", Float("epsilon", 1e-3f));
        g.Node("GlobalAveragePool", "gap", ["bn"], "gap");
        g.Node("Reshape", "flat", ["gap", g.Initializer("flat.shape", [0, -1])], "flat");
        g.Node("MatMul", "mm", ["flat", g.Initializer("wm", [6, 5], Weights(30, 10))], "mm");
        g.Node("Gemm", "gemm", ["flat", g.Initializer("wg", [5, 6], Weights(30, 11)), g.Initializer("cg", [5], Weights(5, 12))], "gemm",
            Int("transB", 1), Float("alpha", 0.5f), Float("beta", 2f));
        var constA = new Onnx.AttributeProto { Name = "value", Type = Onnx.AttributeProto.Types.AttributeType.Tensor,
            T = OnnxTensors.FromFloats("a", [6, 2], Weights(12, 13)) };
        g.Node("Constant", "constA", [], "constA", constA);
        g.Node("Gemm", "gemmT", ["constA", g.Initializer("wt", [6, 5], Weights(30, 14))], "gemmT", Int("transA", 1));
        g.Node("Sub", "sub", ["mm", "gemm"], "sub");
        g.Node("Constant", "two", [], "two", Float("value_float", 2f));
        g.Node("Mul", "mul", ["sub", "two"], "mul");
        g.Node("Add", "add", ["mul", "gemmT"], "add");
        g.Node("Div", "div", ["add", g.Initializer("den", [5], Positive(5, 15))], "div");
        g.Node("Identity", "id", ["div"], "id");
        g.Node("Concat", "cat", ["id", "flat"], "cat", Int("axis", 1));
        g.Node("Softmax", "sm", ["cat"], "sm");
        g.Output("sm", 2, 11);
        Check(g.ToModel(13), [2, 4, 9, 9], ["c1", "c2", "c3", "p1", "p2", "p3", "p4", "p5", "bn", "gap", "flat", "mm", "gemm", "constA",
            "gemmT", "sub", "mul", "add", "div", "id", "cat", "sm"]);
    }

    [Fact]
    public void Opset8_batchnorm_spatial_and_softmax_coercion_match_onnx_runtime()
    {
        var g = new OnnxGraphBuilder("ops8");
        g.Input("x", 3, 3, 4, 4);
        g.Node("BatchNormalization", "bn0", ["x", g.Initializer("s0", [3, 4, 4], Positive(48, 1)), g.Initializer("b0", [3, 4, 4], Weights(48, 2)),
            g.Initializer("m0", [3, 4, 4], Weights(48, 3)), g.Initializer("v0", [3, 4, 4], Positive(48, 4))], "bn0", Int("spatial", 0));
        g.Node("BatchNormalization", "bn1", ["bn0", g.Initializer("s1", [3], Positive(3, 5)), g.Initializer("b1", [3], Weights(3, 6)),
            g.Initializer("m1", [3], Weights(3, 7)), g.Initializer("v1", [3], Positive(3, 8))], "bn1", Int("spatial", 1), Float("epsilon", 1e-2f));
        g.Node("Flatten", "f", ["bn1"], "f", Int("axis", 2));
        g.Node("Softmax", "sm", ["bn1"], "sm", Int("axis", 1));
        g.Output("sm", 3, 3, 4, 4);
        Check(g.ToModel(8), [3, 3, 4, 4], ["bn0", "bn1", "f", "sm"]);
    }

    void Check(Onnx.ModelProto model, int[] shape, string[] values)
    {
        var network = OnnxNetwork.FromBytes(model.ToByteArray(), model.Graph.Name);
        using var net = new TorchNetwork(network);
        Parity.Check(log, model.Graph.Name, network, net, values.Select(v => (v, v)).ToList(),
            Parity.Input(shape.Aggregate(1, (a, b) => a * b), 99, 1.0), shape);
    }
}
