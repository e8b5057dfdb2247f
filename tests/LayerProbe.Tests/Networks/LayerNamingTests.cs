using Google.Protobuf;
using LayerProbe.Cli;
using LayerProbe.Data;
using LayerProbe.Features;
using LayerProbe.Networks;
using LayerProbe.Tests.Features;
using LayerProbe.Tests.Zoo;
using Microsoft.ML.OnnxRuntime;
using Onnx;

namespace LayerProbe.Tests.Networks;

/// <summary>
/// Layers of graphs that are not CaffeNet: a two-input graph with shape arithmetic, an Identity and a Constant (refused
/// without <c>--input</c>, listed and extracted with it), module-path names, and the failure lines of the CLI.
/// </summary>
[Collection("Console")]
public class LayerNamingTests
{
    /// <summary>image → Conv → Relu (act) → Mul by the second input (out); Shape(act), Identity(act), Constant beside.</summary>
    static string TwoInputGraph(string directory)
    {
        var g = new OnnxGraphBuilder("two-inputs");
        g.Input("image", "N", 3, 8, 8).Input("gain", "N", 4, 8, 8);
        var random = new Random(5);
        var w = g.Initializer("w", [4, 3, 3, 3], Enumerable.Range(0, 108).Select(_ => (float)random.NextDouble() - 0.5f).ToArray());
        var b = g.Initializer("b", [4], [0.1f, -0.1f, 0.2f, 0f]);
        g.Node("Conv", "/stem/conv/Conv", ["image", w, b], "feat", OnnxGraphBuilder.Ints("pads", 1, 1, 1, 1));
        g.Node("Relu", "/stem/act/Relu", ["feat"], "act");
        g.Node("Shape", "/stem/Shape", ["act"], "shp");
        g.Node("Identity", "/stem/copy/Identity", ["act"], "copy");
        var constant = new AttributeProto { Name = "value", Type = AttributeProto.Types.AttributeType.Tensor, T = OnnxTensors.FromFloats("", [1], [2f]) };
        g.Node("Constant", "/head/Constant", [], "two", constant);
        g.Node("Mul", "/head/scale/Mul", ["copy", "gain"], "scaled");
        g.Node("Mul", "/head/twice/Mul", ["scaled", "two"], "out");
        g.Output("out", "N", 4, 8, 8).Output("shp", 4);
        var model = g.ToModel();
        model.Graph.Output[1].Type.TensorType.ElemType = OnnxTensors.Int64;
        var path = Path.Combine(directory, "two-inputs.onnx");
        File.WriteAllBytes(path, model.ToByteArray());
        return path;
    }

    [Fact]
    public void A_two_input_graph_is_refused_naming_its_inputs_and_with_input_lists_and_extracts_the_image_layers()
    {
        using var tmp = new TempDir();
        string path = TwoInputGraph(tmp.Path);
        var e = Assert.Throws<LayerProbeException>(() => OnnxNetwork.Load(path));
        Assert.Equal($"{path}: the graph takes 2 inputs ('image', 'gain'); choose the image input with --input NAME", e.Message);
        Assert.Contains("--input nope: no such data input (the graph takes 'image', 'gain')",
            Assert.Throws<LayerProbeException>(() => OnnxNetwork.Load(path, "nope")).Message);

        var network = OnnxNetwork.Load(path, "image");
        Assert.Equal(["feat", "act", "copy"], network.Activations); // no shape, constant, or value needing 'gain'
        var rows = LayerTable.Read(network);
        Assert.Equal(["feat", "act"], rows.Select(r => r.Value)); // Identity copies are not layers
        Assert.Equal([4, 8, 8], rows[1].Shape);
        Assert.Equal(["stem.conv", "stem", "stem.act"], network.Aliases.Names); // a module is named with its last child
        Assert.Equal("act", network.ResolveLayer("stem"));
        Assert.Contains("'out' (Mul) is not a float activation of the image input 'image'", Assert.Throws<LayerProbeException>(() => network.ResolveLayer("out")).Message);
        Assert.Contains("'shp' (Shape) is not a float activation", Assert.Throws<LayerProbeException>(() => network.ResolveLayer("shp")).Message);

        // extraction feeds only the image; the stored act equals ORT on the original graph with both inputs fed
        var items = new RandomImageSet(3, seed: 2);
        var pre = Preprocessing.For(network, new PreprocessingRequest("torchvision"));
        var result = FeatureExtractor.Run(network, items, pre, ["stem"], tmp.Sub("stores"), new ExtractionOptions { BatchSize = 2 });
        using var matrix = FeatureMatrix.Open(result.Stores[0].Directory);
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));
        model.Graph.Output.Add(new ValueInfoProto { Name = "act" });
        using var session = new InferenceSession(model.ToByteArray());
        var input = new float[3 * 8 * 8];
        for (int i = 0; i < items.Count; i++)
        {
            var (image, region) = items.Load(i);
            pre.Fill(image, region, input);
            using var x = OrtValue.CreateTensorValueFromMemory(input, [1, 3, 8, 8]);
            using var gain = OrtValue.CreateTensorValueFromMemory(new float[4 * 8 * 8], [1, 4, 8, 8]);
            using var runOptions = new RunOptions();
            using var y = session.Run(runOptions, ["image", "gain"], [x, gain], ["act"]);
            Assert.Equal(y[0].GetTensorDataAsSpan<float>().ToArray(), matrix.Row(i).ToArray());
        }
    }

    [Fact]
    public void Cli_failure_lines_for_inputs_conventions_and_layers()
    {
        using var tmp = new TempDir();
        string path = TwoInputGraph(tmp.Path);
        var (code, _, error) = Run(["layers", "--model", path]);
        Assert.Equal((2, $"layerprobe: {path}: the graph takes 2 inputs ('image', 'gain'); choose the image input with --input NAME"), (code, error.Trim()));
        (code, var listing, _) = Run(["layers", "--model", path, "--input", "image"]);
        Assert.Equal(0, code);
        Assert.Contains("stem.act", listing);

        var images = tmp.Sub("images");
        Directory.CreateDirectory(Path.Combine(images, "a"));
        File.WriteAllBytes(Path.Combine(images, "a", "x.png"), Png());
        (code, _, error) = Run(["extract", "--model", path, "--input", "image", "--layers", "stem", "--data", "images:" + images, "--out", tmp.Sub("o")]);
        Assert.Equal((2, $"layerprobe: {path}: input convention unknown; pass --preprocess caffe|torchvision|cntk-resnet|grey"), (code, error.Trim()));
        (code, _, error) = Run(["extract", "--model", path, "--input", "image", "--layers", "stem", "--data", "images:" + images, "--out", tmp.Sub("o"),
            "--preprocess", "torchvision", "--std", "0.2,0,0.2"]);
        Assert.Equal((2, "layerprobe: --preprocess: torchvision+overrides: --std values must be positive"), (code, error.Trim()));
        (code, var log, error) = Run(["extract", "--model", path, "--input", "image", "--layers", "stem", "--data", "images:" + images, "--out", tmp.Sub("o"),
            "--preprocess", "torchvision", "--scale", "1/255"]);
        Assert.True(code == 0, error);
        Assert.Contains("torchvision+overrides(channels=rgb,scale=0.003921569,mean=(0.485,0.456,0.406),std=(0.229,0.224,0.225))", log);
    }

    [ZooTheory]
    [InlineData("densenet121")]
    [InlineData("inception_v3")]
    [InlineData("shufflenet_v2_x0_5")]
    public void Layers_lists_int64_heavy_graphs(string family)
    {
        var (code, listing, error) = Run(["layers", "--model", TorchvisionZoo.Export(family).OnnxPath]);
        Assert.True(code == 0, error);
        Assert.DoesNotContain("Shape", listing);
        Assert.DoesNotContain("Constant", listing);
        Assert.Matches(family switch { "densenet121" => "features.denseblock1.denselayer1 ", "inception_v3" => "Mixed_5b ", _ => "stage2.1 " }, listing);
    }

    static byte[] Png()
    {
        using var image = new SixLabors.ImageSharp.Image<SixLabors.ImageSharp.PixelFormats.Rgb24>(12, 10);
        using var stream = new MemoryStream();
        SixLabors.ImageSharp.ImageExtensions.SaveAsPng(image, stream);
        return stream.ToArray();
    }

    static (int Code, string Out, string Error) Run(string[] args)
    {
        var (oldOut, oldError) = (Console.Out, Console.Error);
        using var o = new StringWriter();
        using var e = new StringWriter();
        Console.SetOut(o);
        Console.SetError(e);
        try { return (CliApp.Run(args), o.ToString(), e.ToString()); }
        finally { Console.SetOut(oldOut); Console.SetError(oldError); }
    }
}
