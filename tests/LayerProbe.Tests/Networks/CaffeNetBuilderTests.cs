using Google.Protobuf;
using LayerProbe.Cli;
using LayerProbe.Networks;

namespace LayerProbe.Tests.Networks;

/// <summary>The built CaffeNet has docs/method.md §1.1's shapes, the paper's value names and the Caffe 2014 initialisation.</summary>
[Collection("Console")]
public class CaffeNetBuilderTests
{
    static readonly Dictionary<string, int[]> FullShapes = new()
    {
        ["conv1"] = [96, 55, 55], ["relu1"] = [96, 55, 55], ["pool1"] = [96, 27, 27], ["norm1"] = [96, 27, 27],
        ["conv2"] = [256, 27, 27], ["relu2"] = [256, 27, 27], ["pool2"] = [256, 13, 13], ["norm2"] = [256, 13, 13],
        ["conv3"] = [384, 13, 13], ["relu3"] = [384, 13, 13], ["conv4"] = [384, 13, 13], ["relu4"] = [384, 13, 13],
        ["conv5"] = [256, 13, 13], ["relu5"] = [256, 13, 13], ["pool5"] = [256, 6, 6],
        ["fc6"] = [4096], ["relu6"] = [4096], ["fc7"] = [4096], ["relu7"] = [4096], ["fc8"] = [1000], ["prob"] = [1000],
    };

    [Fact]
    public void Build_net_command_writes_caffenet_with_method_layer_shapes()
    {
        var dir = Directory.CreateTempSubdirectory("layerprobe-buildnet");
        try
        {
            string path = Path.Combine(dir.FullName, "caffenet.onnx");
            Assert.Equal(0, CliApp.Run(["build-net", "caffenet", "--out", path, "--seed", "4"]));
            Assert.Equal([path], Directory.GetFiles(dir.FullName)); // no temp file left behind
            var network = OnnxNetwork.Load(path);
            Assert.Equal([-1, 3, 227, 227], network.InputShape);
            var rows = LayerTable.Read(network).Where(r => r.Alias is not null).ToList();
            Assert.Equal(LayerAliases.CaffeNetVocabulary, rows.Select(r => r.Alias!).ToArray());
            foreach (var row in rows) Assert.True(FullShapes[row.Alias!].SequenceEqual(row.Shape), $"{row.Alias}: [{string.Join("x", row.Shape)}]");
            Assert.Equal(9216, rows.Single(r => r.Alias == "pool5").Dimensions);
        }
        finally { dir.Delete(true); }
    }

    [Fact]
    public void Build_net_command_rejects_unknown_network_and_too_small_input()
    {
        var dir = Directory.CreateTempSubdirectory("layerprobe-buildnet");
        try
        {
            string path = Path.Combine(dir.FullName, "x.onnx");
            Assert.Equal(2, CliApp.Run(["build-net", "vgg16", "--out", path]));
            Assert.Equal(2, CliApp.Run(["build-net", "caffenet-mini", "--size", "16", "--out", path]));
            Assert.Equal(2, CliApp.Run(["build-net", "caffenet", "--fc", "256", "--out", path]));
            Assert.Empty(Directory.GetFiles(dir.FullName));
        }
        finally { dir.Delete(true); }
    }

    [Fact]
    public void Caffenet_initialisation_follows_the_2014_caffe_recipe_and_the_seed()
    {
        var model = CaffeNet.Build(CaffeNetSpec.Full(seed: 1));
        var inits = model.Graph.Initializer.ToDictionary(t => t.Name);
        var biases = new Dictionary<string, float> { ["conv1"] = 0, ["conv2"] = 1, ["conv3"] = 0, ["conv4"] = 1, ["conv5"] = 1, ["fc6"] = 1, ["fc7"] = 1, ["fc8"] = 0 };
        foreach (var (layer, bias) in biases)
            Assert.All(OnnxTensors.ReadFloats(inits[$"{layer}.bias"]), b => Assert.Equal(bias, b));
        var stds = new Dictionary<string, double> { ["conv1"] = 0.01, ["conv3"] = 0.01, ["fc6"] = 0.005, ["fc7"] = 0.005, ["fc8"] = 0.01 };
        foreach (var (layer, std) in stds)
        {
            var w = OnnxTensors.ReadFloats(inits[$"{layer}.weight"]);
            double mean = w.Average(v => (double)v), sd = Math.Sqrt(w.Average(v => (double)v * v) - mean * mean);
            Assert.True(Math.Abs(sd / std - 1) < 0.03 && Math.Abs(mean) < 0.1 * std, $"{layer}: mean {mean}, std {sd} (want {std})");
        }
        Assert.Equal(new long[] { 256, 48, 5, 5 }, inits["conv2.weight"].Dims); // group 2 halves the input channels
        Assert.Equal(new long[] { 4096, 9216 }, inits["fc6.weight"].Dims);

        var mini = CaffeNetSpec.Mini(seed: 5);
        Assert.Equal(CaffeNet.Build(mini).ToByteArray(), CaffeNet.Build(mini).ToByteArray());
        Assert.NotEqual(CaffeNet.Build(mini).ToByteArray(), CaffeNet.Build(mini with { Seed = 6 }).ToByteArray());
    }

    [Fact]
    public void Caffenet_mini_for_grey_28px_has_the_same_layers_with_scaled_shapes()
    {
        var spec = CaffeNetSpec.Mini(inputSize: 28, inputChannels: 1, widthDivisor: 8, fcWidth: 128, classes: 10);
        var network = OnnxNetwork.FromBytes(CaffeNet.Build(spec).ToByteArray(), "mini");
        var shapes = LayerTable.Read(network).Where(r => r.Alias is not null).ToDictionary(r => r.Alias!, r => string.Join("x", r.Shape));
        Assert.Equal(LayerAliases.CaffeNetVocabulary, shapes.Keys.ToArray());
        // conv1 5x5 s2: (28−5)/2+1 = 12; pools 3x3 s2 ceil: 12 → 6 → 3 → 1.
        Assert.Equal("12x12x12", shapes["conv1"]);
        Assert.Equal("12x6x6", shapes["norm1"]);
        Assert.Equal("32x3x3", shapes["pool2"]);
        Assert.Equal("48x3x3", shapes["relu4"]);
        Assert.Equal("32x1x1", shapes["pool5"]);
        Assert.Equal("128", shapes["relu7"]);
        Assert.Equal("10", shapes["prob"]);
    }
}
