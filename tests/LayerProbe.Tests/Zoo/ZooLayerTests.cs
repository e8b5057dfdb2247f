using System.Globalization;
using Google.Protobuf;
using LayerProbe.Data;
using LayerProbe.Features;
using LayerProbe.Networks;
using LayerProbe.Tests.Features;
using Microsoft.ML.OnnxRuntime;
using Onnx;
using Xunit.Abstractions;

namespace LayerProbe.Tests.Zoo;

/// <summary>
/// Every torchvision family of the zoo at opsets 9, 13 and 17 (where torch exports it): the layer table lists named
/// float layers with shapes, and each listed layer extracted through LayerProbe's pipeline (torchvision preprocessing,
/// batch 2, ORT with all optimisations) equals a plain ONNX Runtime session of the unmodified export with that value as
/// an output (no optimisations, all items in one batch) on the same preprocessed input.
/// </summary>
public class ZooLayerTests(ITestOutputHelper output)
{
    /// <summary>(family, opset) pairs torch 1.13 cannot export, with the reason (checked by a test, so the list stays true).</summary>
    public static readonly IReadOnlyDictionary<(string Family, int Opset), string> NotExported = new Dictionary<(string, int), string>
    {
        [("shufflenet_v2_x0_5", 9)] = "the channel shuffle's dynamic Reshape fails torch's opset-9 shape inference",
    };

    public static TheoryData<string, int> Cases()
    {
        var data = new TheoryData<string, int>();
        foreach (int opset in new[] { 13, 9, 17 })
            foreach (var family in TorchvisionZoo.Families.Keys)
                if (!NotExported.ContainsKey((family, opset))) data.Add(family, opset);
        return data;
    }

    public static TheoryData<string, int> Unexportable()
    {
        var data = new TheoryData<string, int>();
        foreach (var (family, opset) in NotExported.Keys) data.Add(family, opset);
        return data;
    }

    [ZooTheory]
    [MemberData(nameof(Cases))]
    public void Layers_are_named_float_activations_and_extract_as_onnx_runtime_computes_them(string family, int opset)
    {
        var zoo = TorchvisionZoo.Export(family, opset);
        var network = OnnxNetwork.Load(zoo.OnnxPath);
        var rows = LayerTable.Read(network);
        var named = rows.Where(r => r.Alias is not null).ToList();
        Assert.True(named.Count >= 5, $"{family}: only {named.Count} named layers");
        Assert.All(rows, r => Assert.DoesNotContain(r.Op, new[] { "Identity", "Constant", "Shape", "Gather", "Unsqueeze" }));
        Assert.All(network.Aliases.Pairs, p => Assert.Contains(p.Value, network.Activations));
        Assert.Equal(zoo.Size, network.InputSize!.Value.Height); // every command's default side: the declared one
        if (family == "alexnet") Assert.Equal(LayerAliases.CaffeNetVocabulary.Except(["norm1", "norm2", "prob"]), named.Select(r => r.Alias));
        else Assert.Null(CaffeNetStructure.Match(network.Model, network.InputName, network.Activations.ToHashSet())); // module paths, never the paper's table

        using var tmp = new TempDir();
        var items = new RandomImageSet(3, seed: opset, minSide: 40, maxSide: 120);
        var pre = Preprocessing.For(network, new PreprocessingRequest("torchvision"));
        var layers = named.Select(r => r.Alias!).ToList();
        var result = FeatureExtractor.Run(network, items, pre, layers, tmp.Sub("stores"), new ExtractionOptions { BatchSize = 2 });

        var input = new float[items.Count * pre.Channels * pre.Height * pre.Width];
        int length = pre.Channels * pre.Height * pre.Width;
        for (int i = 0; i < items.Count; i++)
        {
            var (image, region) = items.Load(i);
            pre.Fill(image, region, input.AsSpan(i * length, length));
        }
        var reference = PlainOrt(zoo.OnnxPath, zoo.InputName, input, [items.Count, pre.Channels, pre.Height, pre.Width],
            result.Stores.Select(s => s.Value).ToList());

        double worst = 0;
        string worstLayer = "";
        foreach (var store in result.Stores)
        {
            using var matrix = FeatureMatrix.Open(store.Directory);
            var expected = reference[store.Value];
            Assert.Equal(expected.Length, items.Count * matrix.Cols);
            double scale = expected.Max(v => Math.Abs((double)v)), diff = 0;
            for (int i = 0; i < items.Count; i++)
            {
                var row = matrix.Row(i);
                for (int j = 0; j < row.Length; j++) diff = Math.Max(diff, Math.Abs(row[j] - expected[i * row.Length + j]));
            }
            double relative = diff / Math.Max(scale, 1e-6);
            if (relative > worst) (worst, worstLayer) = (relative, store.Layer);
        }
        string line = string.Create(CultureInfo.InvariantCulture,
            $"{family}\topset {opset}\t{named.Count} named layers ({rows.Count} float activations)\t{result.Stores.Count} stores\tworst relative error {worst:0.0e+00} ({worstLayer})");
        output.WriteLine(line);
        if (Environment.GetEnvironmentVariable("LAYERPROBE_ZOO_REPORT") is { Length: > 0 } report) File.AppendAllText(report, line + "\n");
        Assert.True(worst <= 1e-4, line);
    }

    [ZooTheory]
    [MemberData(nameof(Unexportable))]
    public void The_families_left_out_at_an_opset_really_do_not_export(string family, int opset) =>
        Assert.Throws<InvalidOperationException>(() => TorchvisionZoo.Export(family, opset));

    /// <summary>The values of <paramref name="outputs"/> from ONNX Runtime on the export, outputs set directly in its protobuf.</summary>
    internal static Dictionary<string, float[]> PlainOrt(string path, string inputName, float[] input, int[] shape, IReadOnlyList<string> outputs)
    {
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));
        model.Graph.Output.Clear();
        foreach (var o in outputs) model.Graph.Output.Add(new ValueInfoProto { Name = o });
        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL };
        using var session = new InferenceSession(model.ToByteArray(), options);
        using var x = OrtValue.CreateTensorValueFromMemory(input, [.. shape.Select(d => (long)d)]);
        using var runOptions = new RunOptions();
        using var results = session.Run(runOptions, [inputName], [x], [.. outputs]);
        return outputs.Select((o, i) => (o, results[i].GetTensorDataAsSpan<float>().ToArray())).ToDictionary(p => p.o, p => p.Item2);
    }
}
