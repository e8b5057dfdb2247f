using Google.Protobuf;
using LayerProbe.Networks;
using LayerProbe.Networks.Torch;
using LayerProbe.Tests.Networks;
using LayerProbe.Training;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace LayerProbe.Tests.Training;

/// <summary>R-CNN fine-tuning set-up: new N-way classifier, FC-FT freezing and re-initialisation, heads on cached pool5.</summary>
public class FineTuningTests
{
    [Fact]
    public void New_21_way_classifier_loads_in_onnx_runtime_and_keeps_the_other_layers()
    {
        var network = TrainingFixtures.Mini(classes: 10);
        var (model, multipliers) = FineTuning.Prepare(network.Model, 21, FineTuningMode.AllLayers, seed: 5);
        var tuned = OnnxNetwork.FromBytes(model.ToByteArray(), "tuned");
        var input = Parity.Input(3 * 28 * 28, 1);
        var prob = Parity.RunOnnxRuntime(tuned, tuned.WithOutputs(["prob", "fc7"]), ["prob", "fc7"], input, [3, 1, 28, 28]);
        Assert.Equal(3 * 21, prob["prob"].Length);
        for (int n = 0; n < 3; n++) Assert.Equal(1.0, prob["prob"].Skip(n * 21).Take(21).Sum(), 4);
        var before = Parity.RunOnnxRuntime(network, network.WithOutputs(["fc7"]), ["fc7"], input, [3, 1, 28, 28]);
        Assert.Equal(before["fc7"], prob["fc7"]);
        Assert.Equal(21, tuned.Model.Graph.Output.Single(o => o.Name == "prob").Type.TensorType.Shape.Dim[1].DimValue);

        var fc8 = ClassifierLayer.Find(model, "fc8", "tuned");
        var w = OnnxTensors.ReadFloats(fc8.Weight);
        Assert.Equal([21L, 64L], fc8.Weight.Dims.ToArray());
        Assert.InRange(Std(w), 0.009, 0.011);
        Assert.All(OnnxTensors.ReadFloats(fc8.Bias!), b => Assert.Equal(0f, b));
        var groups = multipliers.Apply(model, [("fc8.weight", new TorchSharp.Modules.Parameter(zeros(1, 1))), ("fc8.bias", new TorchSharp.Modules.Parameter(zeros(1))),
            ("conv1.weight", new TorchSharp.Modules.Parameter(zeros(1, 1)))]);
        Assert.Equal([10.0, 20.0, 1.0], groups.Select(g => g.LrMult));
    }

    [Fact]
    public void Fc_only_reinitialises_fc6_fc7_and_training_leaves_conv_layers_bitwise_unchanged()
    {
        var network = TrainingFixtures.Mini(classes: 10);
        var (model, multipliers) = FineTuning.Prepare(network.Model, 4, FineTuningMode.FcOnly, seed: 5);
        var fc6 = model.Graph.Initializer.Single(i => i.Name == "fc6.weight");
        Assert.InRange(Std(OnnxTensors.ReadFloats(fc6)), 0.0045, 0.0055);
        Assert.All(OnnxTensors.ReadFloats(model.Graph.Initializer.Single(i => i.Name == "fc7.bias")), b => Assert.Equal(1f, b));
        Assert.NotEqual(OnnxTensors.ReadFloats(network.Model.Graph.Initializer.Single(i => i.Name == "fc6.weight")), OnnxTensors.ReadFloats(fc6));

        var tuned = OnnxNetwork.FromBytes(model.ToByteArray(), "fc-ft");
        using var trainer = new Trainer(tuned, TrainingFixtures.Quadrants(64, 28, 3), new SolverSettings { BaseLr = 0.01, MaxIterations = 5 },
            multipliers, new TrainerOptions { BatchSize = 16, Log = TextWriter.Null });
        var before = TrainingFixtures.Bytes(trainer.Network);
        trainer.Run();
        var after = TrainingFixtures.Bytes(trainer.Network);
        foreach (var name in before.Keys)
        {
            bool same = before[name].AsSpan().SequenceEqual(after[name]);
            if (name.StartsWith("conv")) Assert.True(same, $"{name} moved although conv layers are frozen");
            else if (name.EndsWith("weight")) Assert.False(same, $"{name} did not train");
        }
    }

    [Fact]
    public void Classifier_fc_stack_and_boundary_come_from_the_graph_whatever_the_names()
    {
        var model = TrainingFixtures.Mini(classes: 10).Model;
        var classifier = ClassifierLayer.Find(model, null, "mini");
        Assert.Equal("fc8", classifier.LayerName);
        Assert.Equal(["fc6", "fc7"], ClassifierLayer.Stack(model, classifier).Hidden.Select(h => h.LayerName));
        Assert.Equal(["conv1", "conv2", "conv3", "conv4", "conv5"], FineTuning.FrozenNodes(model, classifier));
        Assert.Equal("fc7", ClassifierLayer.Find(model, "fc7", "mini").LayerName);
        Assert.Contains("no initializer weight", Assert.Throws<LayerProbeException>(() => ClassifierLayer.Find(model, "relu7", "mini")).Message);
        Assert.Contains("no node is called or produces the classifier 'fc9'", Assert.Throws<LayerProbeException>(() => ClassifierLayer.Find(model, "fc9", "mini")).Message);

        // The same network with every node, value and initializer renamed to meaningless names: the same structure.
        var renamed = model.Clone();
        var names = new Dictionary<string, string>();
        string Rename(string n) => n.Length == 0 || n == renamed.Graph.Input[0].Name ? n : names.TryGetValue(n, out var r) ? r : names[n] = $"onnx::V_{names.Count}";
        foreach (var init in renamed.Graph.Initializer) init.Name = Rename(init.Name);
        for (int i = 0; i < renamed.Graph.Node.Count; i++)
        {
            var node = renamed.Graph.Node[i];
            node.Name = $"node_{i}";
            for (int k = 0; k < node.Input.Count; k++) node.Input[k] = Rename(node.Input[k]);
            for (int k = 0; k < node.Output.Count; k++) node.Output[k] = Rename(node.Output[k]);
        }
        foreach (var o in renamed.Graph.Output) o.Name = Rename(o.Name);
        renamed.Graph.ValueInfo.Clear();
        var (tuned, multipliers) = FineTuning.Prepare(renamed, 4, FineTuningMode.FcOnly, seed: 5);
        var found = ClassifierLayer.Find(tuned, null, "renamed");
        Assert.Equal(4, found.Classes);
        Assert.Equal(2, ClassifierLayer.Stack(tuned, found).Hidden.Count);
        using var net = new TorchNetwork(tuned, "renamed");
        var groups = multipliers.Apply(tuned, net.Weights.Select(w => (w.Key, w.Value)));
        Assert.Equal(10, groups.Count(g => g.Frozen));
        Assert.Equal([10.0, 20.0], groups.Where(g => g.LrMult >= 10).Select(g => g.LrMult).Order());
    }

    [Fact]
    public void Head_above_pool5_computes_the_same_scores_and_merges_back()
    {
        var network = TrainingFixtures.Mini(classes: 4);
        var input = Parity.Input(5 * 28 * 28, 2);
        var full = Parity.RunOnnxRuntime(network, network.WithOutputs(["pool5", "prob"]), ["pool5", "prob"], input, [5, 1, 28, 28]);
        int[] itemShape = [full["pool5"].Length / 5, 1, 1];
        var pool5Shape = OnnxShape(network, full["pool5"].Length / 5);
        var head = OnnxNetwork.FromBytes(ClassifierHead.From(network, "pool5", pool5Shape).ToByteArray(), "head");
        Assert.DoesNotContain(head.Model.Graph.Node, n => n.OpType is "Conv" or "LRN");
        var headProb = Parity.RunOnnxRuntime(head, head.WithOutputs(["prob"]), ["prob"], full["pool5"], [5, .. pool5Shape]);
        Assert.True(Parity.RelativeError(headProb["prob"], full["prob"]) < 1e-6);

        // Train the head on cached pool5 items, then merge the fc weights back into the full network.
        var cached = new InMemoryTrainingSource("pool5 cache", full["pool5"], [0, 1, 2, 3, 1], pool5Shape, 4);
        using var trainer = new Trainer(head, cached, new SolverSettings { BaseLr = 0.01, MaxIterations = 3 }, new LrMultipliers(),
            new TrainerOptions { BatchSize = 5, Log = TextWriter.Null });
        trainer.Run();
        var merged = OnnxNetwork.FromBytes(FineTuning.MergeHead(network.Model, trainer.Network.WriteBack()).ToByteArray(), "merged");
        var mergedProb = Parity.RunOnnxRuntime(merged, merged.WithOutputs(["prob"]), ["prob"], input, [5, 1, 28, 28]);
        var trainedHead = Parity.RunTorch(trainer.Network, ["prob"], full["pool5"], [5, .. pool5Shape]);
        Assert.True(Parity.RelativeError(trainedHead["prob"], mergedProb["prob"]) < Parity.Tolerance);
        Assert.True(Parity.RelativeError(mergedProb["prob"], full["prob"]) > 1e-4, "merging did not change the network");
    }

    [Fact]
    public void He_init_draws_std_sqrt_two_over_fan_in_and_zero_biases()
    {
        var model = HeInit.Apply(TrainingFixtures.Mini(classes: 4).Model, seed: 1);
        var conv2 = model.Graph.Initializer.Single(i => i.Name == "conv2.weight");
        double fanIn = conv2.Dims[1] * conv2.Dims[2] * conv2.Dims[3];
        Assert.InRange(Std(OnnxTensors.ReadFloats(conv2)) / Math.Sqrt(2 / fanIn), 0.95, 1.05);
        Assert.All(model.Graph.Initializer.Where(i => i.Dims.Count == 1).SelectMany(OnnxTensors.ReadFloats), b => Assert.Equal(0f, b));
    }

    static int[] OnnxShape(OnnxNetwork network, int perItem)
    {
        var spec = CaffeNetSpec.Mini(28, 1, 8, 64, 4, 3);
        int s = spec.SpatialSizes().Pool5;
        return [perItem / (s * s), s, s];
    }

    static double Std(float[] v)
    {
        double mean = v.Average(x => (double)x);
        return Math.Sqrt(v.Average(x => (x - mean) * (x - mean)));
    }
}
