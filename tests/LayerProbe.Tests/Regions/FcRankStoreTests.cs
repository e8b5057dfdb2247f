using LayerProbe.Data;
using LayerProbe.Features;
using LayerProbe.Networks;
using LayerProbe.Tests.Cli;
using LayerProbe.Tests.Data;

namespace LayerProbe.Tests.Regions;

/// <summary>
/// <c>--fc-rank</c> through the CLI (<c>head-features</c>, <c>extract --regions shared-conv</c>) on a 3-image devkit
/// with CaffeNet-mini: a store computed through a compressed fc layer has its own key and records the ranks, a layer
/// not computed through one keeps the exact store, shared-conv applies the same compression as head-features, and bad
/// ranks are one line with exit code 2 and no store left behind.
/// </summary>
public sealed class FcRankStoreTests : IDisposable
{
    readonly TempDir _tmp = new();
    readonly string _model, _spec, _pool5;

    public FcRankStoreTests()
    {
        string root = RegionDevkit.Write(_tmp), proposals = RegionDevkit.Store(_tmp, root, boxes: RegionDevkit.ManyBoxes(3, 6));
        _spec = $"voc2007:{root}:test:proposals:{proposals}";
        _model = MiniCaffeNet.Write(_tmp);
        var network = OnnxNetwork.Load(_model);
        var (regions, warp) = ItemSetSources.Create(_spec, network);
        using var owned = (IDisposable)regions;
        _pool5 = FeatureExtractor.Run(network, regions, warp, ["pool5"], _tmp.Combine("warp")).Stores[0].Directory;
    }

    public void Dispose() => _tmp.Dispose();

    string Head(string layers, string output, params string[] more)
    {
        var (code, stdout, err) = CliProcess.Run(["head-features", "--model", _model, "--store", _pool5, "--layers", layers, "--out", _tmp.Combine(output), .. more]);
        Assert.True(code == 0, err);
        string directory = stdout.Split('\n').Single(l => l.StartsWith(layers + " ", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[^1];
        Assert.True(FeatureStoreFiles.IsComplete(directory), directory);
        return directory;
    }

    [Fact]
    public void A_store_computed_through_a_compressed_layer_has_its_own_key_and_records_the_ranks()
    {
        var network = OnnxNetwork.Load(_model);
        string fc6 = network.ResolveLayer("fc6"), fc7 = network.ResolveLayer("fc7");
        string exact7 = Head("fc7", "head"), exact6 = Head("fc6", "head");
        string svd7 = Head("fc7", "head", "--fc-rank", "fc6=48,fc7=32");
        Assert.NotEqual(exact7, svd7);
        Assert.Equal(2, Directory.GetDirectories(_tmp.Combine("head"), "fc7-*").Length);
        var manifest = FeatureManifest.Read(Path.Combine(svd7, FeatureStoreFiles.Manifest));
        Assert.Equal(new Dictionary<string, int> { [fc6] = 48, [fc7] = 32 }, manifest.FcSvdRanks);
        Assert.Contains($"fc-svd({fc6}:48,{fc7}:32)", manifest.Preprocessing);
        Assert.Null(FeatureManifest.Read(Path.Combine(exact7, FeatureStoreFiles.Manifest)).FcSvdRanks);

        // fc6 is not computed through fc7: compressing fc7 leaves fc6's store the exact one.
        Assert.Equal(exact6, Head("fc6", "head", "--fc-rank", "fc7=4"));
        Assert.Single(Directory.GetDirectories(_tmp.Combine("head"), "fc6-*"));

        // The compressed features differ from the exact ones, but not wildly (ranks 48 and 32 of 64, random weights: a flat spectrum).
        double error = RelativeError(exact7, svd7);
        Assert.InRange(error, 1e-3, 0.9);

        // shared-conv: pool5 keeps its exact key, fc7 through the compressed layers gets its own and equals head-features on that pool5.
        string[] extract = ["extract", "--model", _model, "--layers", "pool5,fc7", "--data", _spec, "--regions", "shared-conv", "--roi-layer", "relu5", "--roi-scale", "240"];
        var plain = CliProcess.Run([.. extract, "--out", _tmp.Combine("shared")]);
        Assert.True(plain.Code == 0, plain.Err);
        var ranked = CliProcess.Run([.. extract, "--out", _tmp.Combine("shared"), "--fc-rank", "fc6=48,fc7=32"]);
        Assert.True(ranked.Code == 0, ranked.Err);
        Assert.Single(Directory.GetDirectories(_tmp.Combine("shared"), "pool5-*"));
        var sharedFc7 = Directory.GetDirectories(_tmp.Combine("shared"), "fc7-*");
        Assert.Equal(2, sharedFc7.Length);
        string rankedFc7 = Assert.Single(sharedFc7, d => FeatureManifest.Read(Path.Combine(d, FeatureStoreFiles.Manifest)).FcSvdRanks is not null);
        var (code, _, err) = CliProcess.Run(["head-features", "--model", _model, "--store", Assert.Single(Directory.GetDirectories(_tmp.Combine("shared"), "pool5-*")),
            "--layers", "fc7", "--out", _tmp.Combine("shared-head"), "--fc-rank", "fc6=48,fc7=32"]);
        Assert.True(code == 0, err);
        Assert.True(RelativeError(Assert.Single(Directory.GetDirectories(_tmp.Combine("shared-head"), "fc7-*")), rankedFc7) <= 1e-5);
    }

    /// <summary>‖a − b‖ / ‖a‖ over every row of two stores with the same ids.</summary>
    static double RelativeError(string a, string b)
    {
        using var x = FeatureMatrix.Open(a);
        using var y = FeatureMatrix.Open(b);
        Assert.Equal(x.Ids, y.Ids);
        double difference = 0, norm = 0;
        for (int r = 0; r < x.RowCount; r++)
        {
            var p = x.Row(r).ToArray();
            var q = y.Row(r);
            for (int c = 0; c < p.Length; c++) { difference += (double)(p[c] - q[c]) * (p[c] - q[c]); norm += (double)p[c] * p[c]; }
        }
        Assert.True(norm > 0, "all zeros: the comparison would prove nothing");
        return Math.Sqrt(difference / norm);
    }

    [Theory]
    [InlineData("head", "fc7", "0", "not a whole number")]
    [InlineData("head", "fc7", "fc7=65", "exceeds min(outputs, inputs)")]
    [InlineData("head", "fc7", "fc9=4", "unknown layer 'fc9'")]
    [InlineData("head", "fc7", "relu6=4", "not a fully connected layer")]
    [InlineData("head", "fc7", "conv1=4", "not a fully connected layer")]
    [InlineData("head", "fc7", "fc6=4,=3", "not LAYER=RANK")]
    [InlineData("head", "fc7", "100000", "compresses no fully connected layer")]
    [InlineData("warp", "fc7", "fc6=4", "whole-network extraction")]
    [InlineData("shared", "pool5,fc7", "fc6=0", "not a whole number")]
    [InlineData("shared", "pool5,fc7", "fc6=100000", "exceeds min(outputs, inputs)")]
    public void Bad_ranks_are_one_line_and_exit_2(string command, string layers, string ranks, string expected)
    {
        string output = _tmp.Combine("bad");
        string[] args = command switch
        {
            "head" => ["head-features", "--model", _model, "--store", _pool5, "--layers", layers],
            "warp" => ["extract", "--model", _model, "--data", _spec, "--layers", layers],
            _ => ["extract", "--model", _model, "--data", _spec, "--layers", layers, "--regions", "shared-conv", "--roi-layer", "relu5", "--roi-scale", "240"],
        };
        var (code, _, err) = CliProcess.Run([.. args, "--out", output, "--fc-rank", ranks]);
        Assert.Equal(2, code);
        var line = Assert.Single(CliProcess.ErrorLines(err));
        Assert.StartsWith("layerprobe: ", line);
        Assert.Contains(expected, line);
        Assert.Empty(Directory.Exists(output) ? Directory.GetDirectories(output) : []);
    }
}
