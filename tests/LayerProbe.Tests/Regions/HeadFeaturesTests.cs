using LayerProbe.Data;
using LayerProbe.Features;
using LayerProbe.Regions;
using LayerProbe.Tests.Data;

namespace LayerProbe.Tests.Regions;

public class HeadFeaturesTests
{
    [Theory]
    [InlineData("fc7")]
    [InlineData("fc6")]
    public void Layer_from_stored_pool5_equals_the_layer_extracted_directly(string layer)
    {
        using var tmp = new TempDir();
        string root = RegionDevkit.Write(tmp), store = RegionDevkit.Store(tmp, root, boxes: RegionDevkit.ManyBoxes(3, 12));
        var network = MiniCaffeNet.Load(tmp);
        var (regions, warp) = ItemSetSources.Create($"voc2007:{root}:test:proposals:{store}", network);
        using var owned = (IDisposable)regions;
        var direct = FeatureExtractor.Run(network, regions, warp, ["pool5", layer], tmp.Combine("features"), new ExtractionOptions { BatchSize = 8 });

        var derived = HeadFeatures.Run(network, direct.Stores[0].Directory, layer, tmp.Combine("head"), new ExtractionOptions { BatchSize = 5 });
        Assert.NotEqual(direct.Stores[1].Directory, derived.Directory);
        Assert.Equal(direct.Stores[1].Value, derived.Value);
        using var a = FeatureMatrix.Open(direct.Stores[1].Directory);
        using var b = FeatureMatrix.Open(derived.Directory);
        Assert.Equal(a.Ids, b.Ids);
        Assert.Equal(a.Cols, b.Cols);
        double worst = 0, norm = 0;
        for (int r = 0; r < a.RowCount; r++)
        {
            var x = a.Row(r).ToArray();
            var y = b.Row(r);
            for (int c = 0; c < x.Length; c++)
            {
                worst = Math.Max(worst, Math.Abs(x[c] - y[c]) / Math.Max(1e-6, Math.Abs(x[c])));
                norm += Math.Abs(x[c]);
            }
        }
        Assert.True(norm > 0, "the layer is all zeros: the comparison would prove nothing");
        Assert.True(worst <= 1e-5, $"largest relative difference {worst:E2}");

        // Asking again reuses the complete store.
        var again = HeadFeatures.Run(network, direct.Stores[0].Directory, layer, tmp.Combine("head"));
        Assert.Equal(derived.Directory, again.Directory);
    }

    [Fact]
    public void A_head_that_needs_more_than_the_stored_value_cannot_be_cut()
    {
        using var tmp = new TempDir();
        var network = MiniCaffeNet.Load(tmp);
        var e = Assert.Throws<LayerProbeException>(() =>
            HeadSubgraph.Cut(network, network.ResolveLayer("fc6"), network.ResolveLayer("pool5"), [8]));
        Assert.Contains("not computed from", e.Message);
    }

    [Fact]
    public void Head_from_a_store_of_another_model_is_refused()
    {
        using var tmp = new TempDir();
        string root = RegionDevkit.Write(tmp), store = RegionDevkit.Store(tmp, root);
        var network = MiniCaffeNet.Load(tmp);
        var (regions, warp) = ItemSetSources.Create($"voc2007:{root}:test:proposals:{store}", network);
        using var owned = (IDisposable)regions;
        var direct = FeatureExtractor.Run(network, regions, warp, ["pool5"], tmp.Combine("features"));
        var other = TinyNetworkForHead(tmp);
        var e = Assert.Throws<LayerProbeException>(() => HeadFeatures.Run(other, direct.Stores[0].Directory, "fc6", tmp.Combine("head")));
        Assert.Contains("another model", e.Message);
    }

    static LayerProbe.Networks.OnnxNetwork TinyNetworkForHead(TempDir tmp) => LayerProbe.Tests.Features.TinyNetwork.Load(tmp.Path);
}
