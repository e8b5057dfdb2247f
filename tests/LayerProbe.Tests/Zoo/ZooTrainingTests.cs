using Google.Protobuf;
using LayerProbe.Networks;
using LayerProbe.Networks.Torch;
using LayerProbe.Training;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace LayerProbe.Tests.Zoo;

/// <summary>
/// The training half of "any CNN" on the torchvision zoo: TorchSharp's interpretation of each export against ONNX
/// Runtime, and two iterations of <c>--finetune all</c> and <c>--finetune fc-only</c> with the freezing checked on the
/// written-back ONNX. Opset 13 always; other opsets when <c>LAYERPROBE_ZOO_OPSETS</c> lists them (e.g. "9,14,15,16,17").
/// </summary>
public class ZooTrainingTests(ITestOutputHelper output)
{
    /// <summary>
    /// Fully connected layers each family's fc-only fine-tuning trains, from torchvision's model definitions (not
    /// from LayerProbe): its classifier plus the hidden fc layers right below it.
    /// </summary>
    static readonly IReadOnlyDictionary<string, int> FcStackDepth = new Dictionary<string, int>
    {
        ["alexnet"] = 3, ["vgg11_bn"] = 3, ["squeezenet1_1"] = 1, ["googlenet"] = 1, ["inception_v3"] = 1, ["mobilenet_v2"] = 1,
        ["mobilenet_v3_small"] = 2, ["resnet50"] = 1, ["densenet121"] = 1, ["shufflenet_v2_x0_5"] = 1, ["mnasnet0_5"] = 1,
        ["efficientnet_b0"] = 1, ["regnet_y_400mf"] = 1, ["convnext_tiny"] = 1,
    };

    public static TheoryData<string> Families => [.. TorchvisionZoo.Families.Keys];

    public static TheoryData<string, int> FamiliesAtOpsets()
    {
        var data = new TheoryData<string, int>();
        var opsets = (Environment.GetEnvironmentVariable("LAYERPROBE_ZOO_OPSETS") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(int.Parse).Prepend(13).Distinct();
        foreach (var opset in opsets)
            foreach (var family in TorchvisionZoo.Families.Keys) data.Add(family, opset);
        return data;
    }

    [ZooTheory]
    [MemberData(nameof(FamiliesAtOpsets))]
    public void TorchSharp_forward_matches_onnx_runtime(string family, int opset)
    {
        ZooModel model;
        try { model = TorchvisionZoo.Export(family, opset); }
        catch (InvalidOperationException e) when (opset != 13)
        {
            // torch.onnx cannot export some families at old opsets (ShuffleNet v2 at 9: prim::ConstantChunk); nothing to compare.
            output.WriteLine($"{family} opset {opset}: not exportable ({e.Message.Split('\n').LastOrDefault(l => l.Contains("Error"))?.Trim()})");
            return;
        }
        var network = OnnxNetwork.Load(model.OnnxPath);
        float[] ort = RunOrt(model.OnnxPath, model.InputName, model.Input, model.InputShape, model.OutputName);
        using var torchNet = new TorchNetwork(network);
        torchNet.eval();
        float[] first, second;
        using (no_grad())
        using (var x = tensor(model.Input, model.InputShape.Select(d => (long)d).ToArray()))
        {
            using (var y = torchNet.forward(x)) first = y.contiguous().data<float>().ToArray();
            // The second pass at the same input size reuses the folded shape arithmetic.
            using (var y = torchNet.forward(x)) second = y.contiguous().data<float>().ToArray();
        }
        double error = RelativeError(first, ort), vsTorch = RelativeError(first, model.TorchOutput);
        output.WriteLine($"{family} opset {opset}: TorchSharp vs ORT relative error {error:g3}, vs torchvision {vsTorch:g3}; {torchNet.FoldedNodeCount} nodes folded");
        Assert.Equal(first, second);
        Assert.True(error <= 1e-4, $"{family} opset {opset}: TorchSharp forward differs from ONNX Runtime by {error:g3} (relative)");
        if (network.Model.Graph.Node.Any(n => n.OpType == "Shape"))
            Assert.True(torchNet.FoldedNodeCount >= network.Model.Graph.Node.Count(n => n.OpType == "Shape"));
    }

    [ZooTheory]
    [MemberData(nameof(Families))]
    public void Fine_tune_all_changes_every_trainable_parameter(string family)
    {
        var unreached = new List<string>();
        var belowResolution = new List<string>();
        var trainable = new List<string>();
        // Rate 1 so that the steps of deep layers, whose gradients in these random-weight networks are ~1e-7, show in float32.
        const double rate = 1;
        var (prepared, after, _) = FineTune(family, FineTuningMode.AllLayers, rate, output, (trainer, groups) =>
        {
            using var scope = NewDisposeScope();
            foreach (var g in groups)
            {
                trainable.Add(g.Name);
                Assert.False(g.Frozen, $"{family}: {g.Name} frozen by --finetune all");
                var grad = g.Parameter.grad;
                if (grad is null || grad.abs().max().item<float>() == 0) { unreached.Add(g.Name); continue; }
                // A parameter may keep its bytes only if no element's step (rate × |gradient|) reaches one float ulp of it.
                var step = grad.abs().mul(rate * g.LrMult);
                if (!step.gt(g.Parameter.detach().abs().mul(1.2e-7)).any().item<bool>()) belowResolution.Add(g.Name);
            }
        });
        Assert.True(unreached.Count == 0, $"{family}: no gradient reached {string.Join(", ", unreached.Take(5))}");
        var unchanged = trainable.Where(k => Initializer(prepared, k).SequenceEqual(Initializer(after, k))).ToList();
        output.WriteLine($"{family}: {trainable.Count} trainable parameters, all with a gradient; {unchanged.Count} unchanged after 2 iterations" +
            $" ({belowResolution.Count} with every step below float resolution: {string.Join(", ", belowResolution.Take(6))})");
        var unexplained = unchanged.Except(belowResolution).ToList();
        Assert.True(unexplained.Count == 0, $"{family}: --finetune all left {string.Join(", ", unexplained.Take(5))} unchanged");
    }

    [ZooTheory]
    [MemberData(nameof(Families))]
    public void Fc_only_changes_the_fc_stack_and_nothing_below_it(string family)
    {
        int frozen = 0;
        var (prepared, after, _) = FineTune(family, FineTuningMode.FcOnly, 0.01, output, (_, groups) => frozen = groups.Count(g => g.Frozen));
        var changed = prepared.Graph.Initializer.Where(i => !Initializer(prepared, i.Name).SequenceEqual(Initializer(after, i.Name)))
            .Select(i => i.Name).ToList();
        // Weights and biases of torchvision's fc stack: every fc layer of these families has a bias.
        int expected = 2 * FcStackDepth[family];
        output.WriteLine($"{family}: {prepared.Graph.Initializer.Count} initializers, {frozen} parameters frozen; changed by fc-only: {string.Join(", ", changed)}");
        Assert.Equal(expected, changed.Count);
        // The changed blobs belong to exactly the stack's layers.
        var roles = ParameterRoles.Of(prepared);
        Assert.Equal(FcStackDepth[family], changed.SelectMany(c => roles.UsesOf(c)).Select(u => u.Node).Distinct().Count());
        Assert.True(frozen > 0, $"{family}: fc-only froze nothing");
    }

    /// <summary>
    /// Prepares a 3-class fine-tuning of the export and trains 2 iterations of batch 2 on the reference batch; returns
    /// the ONNX before and after. A run that diverges (Inception-v3's random weights give logits ~1e9 whatever the
    /// input, and the second loss is NaN at any useful rate) is redone with 1 iteration, said in the output.
    /// <paramref name="inspect"/> sees the trainer and its parameter groups after the run.
    /// </summary>
    static (Onnx.ModelProto Prepared, Onnx.ModelProto After, LrMultipliers Multipliers) FineTune(string family, FineTuningMode mode,
        double rate, ITestOutputHelper output, Action<Trainer, IReadOnlyList<ParameterGroup>> inspect)
    {
        var model = TorchvisionZoo.Export(family);
        var network = OnnxNetwork.Load(model.OnnxPath);
        var (prepared, multipliers) = FineTuning.Prepare(network.Model, 3, mode, seed: 1, source: model.OnnxPath);
        var tuned = OnnxNetwork.FromBytes(prepared.ToByteArray(), model.OnnxPath);
        int[] itemShape = [.. model.InputShape.Skip(1)];
        var items = new InMemoryTrainingSource($"{family} batch", model.Input, [0, 2], itemShape, 3);
        for (int iterations = 2; ; iterations--)
        {
            using var trainer = new Trainer(tuned, items, new SolverSettings { BaseLr = rate, WeightDecay = 0, MaxIterations = iterations }, multipliers,
                new TrainerOptions { BatchSize = 2, Log = TextWriter.Null, Threads = 2 });
            try { trainer.Run(); }
            catch (LayerProbeException e) when (iterations == 2 && e.Message.Contains("training diverged"))
            {
                output.WriteLine($"{family}: {e.Message.Split(": ", 2)[1]} — checked after 1 iteration instead");
                continue;
            }
            inspect(trainer, multipliers.Apply(prepared, trainer.Network.Weights.Select(w => (w.Key, w.Value))));
            return (prepared, trainer.Network.WriteBack(), multipliers);
        }
    }

    static byte[] Initializer(Onnx.ModelProto model, string name)
    {
        var init = model.Graph.Initializer.Single(i => i.Name == name);
        return init.RawData.Length > 0 ? init.RawData.ToByteArray()
            : System.Runtime.InteropServices.MemoryMarshal.AsBytes(OnnxTensors.ReadFloats(init).AsSpan()).ToArray();
    }

    internal static float[] RunOrt(string path, string inputName, float[] input, int[] shape, string outputName)
    {
        using var session = new InferenceSession(path);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(inputName, new DenseTensor<float>(input, shape))]);
        return results.Single(r => r.Name == outputName).AsTensor<float>().ToArray();
    }

    /// <summary>max |a − b| over max |b| (the reference's scale).</summary>
    internal static double RelativeError(float[] actual, float[] reference)
    {
        Assert.Equal(reference.Length, actual.Length);
        double scale = reference.Max(v => Math.Abs((double)v)), worst = 0;
        for (int i = 0; i < actual.Length; i++) worst = Math.Max(worst, Math.Abs(actual[i] - (double)reference[i]));
        return worst / Math.Max(scale, 1e-12);
    }
}
