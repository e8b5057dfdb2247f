using Google.Protobuf;
using LayerProbe.Networks;
using LayerProbe.Regions;

namespace LayerProbe.Tests.Regions;

/// <summary>
/// Where a network is split for shared convolution, read from the graph: the effective stride (CaffeNet's conv5 16, as
/// SPP-net and Fast R-CNN use it; ResNet's stages 4, 8, 16, 32 — the strides of their published detectors), the grid of
/// the layer the pooling stands for (CaffeNet pool5 6×6), and refusals of layers without spatial extent.
/// </summary>
public class SharedConvNetworkTests
{
    /// <summary>CaffeNet's geometry (227 input, 11×11/4 conv1, 3×3/2 pools) with thin layers, so the test builds it quickly.</summary>
    static OnnxNetwork ThinCaffeNet() =>
        OnnxNetwork.FromBytes(CaffeNet.Build(CaffeNetSpec.Mini(227, 3, 8, 64, 10, 0, conv1Kernel: 11, conv1Stride: 4)).ToByteArray(), "caffenet-thin.onnx");

    [Fact]
    public void CaffeNet_relu5_has_stride_16_and_is_pooled_to_pool5s_6x6_grid()
    {
        var network = ThinCaffeNet();
        var split = SharedConvNetwork.For(network, "relu5");
        Assert.Equal(16, split.Stride);
        Assert.Equal(network.ResolveLayer("pool5"), split.PooledValue);
        Assert.Equal((6, 6), (split.GridHeight, split.GridWidth));
        Assert.Equal(8, SharedConvNetwork.For(network, "relu2").Stride); // conv1 4 × pool1 2
    }

    [Theory]
    [InlineData("res2b", 4, 56)]
    [InlineData("res3b", 8, 28)]
    [InlineData("res4b", 16, 14)]
    [InlineData("res5c", 32, 7)]
    public void ResNet18_stages_have_strides_4_to_32_and_pool_to_their_own_grid(string layer, int stride, int grid)
    {
        var network = OnnxNetwork.Load(ModelCatalog.ResNet18ImageNet);
        var split = SharedConvNetwork.For(network, layer);
        Assert.Equal(stride, split.Stride);
        Assert.Equal(network.ResolveLayer(layer), split.PooledValue); // no max pool after a stage: the stage's own grid at 224
        Assert.Equal((grid, grid), (split.GridHeight, split.GridWidth));
    }

    [Theory]
    [InlineData("fc6")]
    [InlineData("pool5x")]
    public void A_layer_without_spatial_extent_or_unknown_is_one_clear_line(string layer)
    {
        var e = Assert.Throws<LayerProbeException>(() => SharedConvNetwork.For(ThinCaffeNet(), layer));
        Assert.Contains(layer == "fc6" ? "no spatial extent" : "unknown layer", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }
}
