using LayerProbe.Networks;
using LayerProbe.Networks.Torch;

namespace LayerProbe.Tests.Networks;

/// <summary>An operator the interpreter lacks must fail at construction with the node name and op type.</summary>
public class UnsupportedOpTests
{
    [Fact]
    public void Einsum_node_is_rejected_naming_node_and_op()
    {
        var g = new OnnxGraphBuilder("tiny");
        g.Input("x", "N", 4);
        string w = g.Initializer("w", [4, 3], new float[12]);
        g.Node("Relu", "first_relu", ["x"], "r");
        g.Node("Einsum", "mix_features", ["r", w], "y", OnnxGraphBuilder.String("equation", "ni,ij->nj"));
        g.Output("y", "N", 3);
        var e = Assert.Throws<LayerProbeException>(() => new TorchNetwork(g.ToModel(), "tiny.onnx"));
        Assert.Contains("tiny.onnx", e.Message);
        Assert.Contains("'mix_features'", e.Message);
        Assert.Contains("'Einsum'", e.Message);
    }
}
