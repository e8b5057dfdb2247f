using Google.Protobuf;
using LayerProbe.Networks;
using LayerProbe.Networks.Torch;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace LayerProbe.Tests.Networks;

/// <summary>Train in TorchSharp, write the state back into ONNX, and ONNX Runtime must agree with TorchSharp.</summary>
public class WriteBackTests(ITestOutputHelper log)
{
    [Fact]
    public void Caffenet_mini_after_one_sgd_step_round_trips_through_onnx_runtime()
    {
        var spec = CaffeNetSpec.Mini(32, 3, 8, 128, 5, seed: 11);
        var network = OnnxNetwork.FromBytes(CaffeNet.Build(spec).ToByteArray(), "caffenet-mini");
        using var net = new TorchNetwork(network);
        int[] shape = [8, 3, 32, 32];
        var input = Parity.Input(8 * 3 * 32 * 32, 5);
        var before = net.Weights["conv1.weight"].detach().clone();

        TrainOneStep(net, input, shape, "fc8", 5, lr: 0.5);

        using (var changed = net.Weights["conv1.weight"].detach().sub(before).abs().max())
            Assert.True(changed.item<float>() > 0, "the SGD step did not change conv1.weight");
        before.Dispose();
        var written = OnnxNetwork.FromBytes(net.WriteBackBytes(), "written-back");
        var originalProb = Parity.RunOnnxRuntime(network, network.WithOutputs(["prob"]), ["prob"], input, shape)["prob"];
        var writtenProb = Parity.RunOnnxRuntime(written, written.WithOutputs(["prob"]), ["prob"], input, shape)["prob"];
        Assert.True(Parity.RelativeError(writtenProb, originalProb) > 1e-3, "written-back model still computes the original outputs");
        Parity.Check(log, "CaffeNet-mini after 1 SGD step, written back", written, net, written.Aliases.Pairs, input, shape);
    }

    [Fact]
    public void Resnet18_train_mode_step_writes_back_weights_and_batchnorm_statistics()
    {
        var network = OnnxNetwork.Load(ModelCatalog.ResNet18ImageNet);
        using var net = new TorchNetwork(network);
        Assert.Equal(2 * network.Model.Graph.Node.Count(n => n.OpType == "BatchNormalization"), net.Buffers.Count);
        int[] shape = [1, 3, 224, 224];
        var input = Parity.Input(3 * 224 * 224, 9);
        var firstBuffer = net.Buffers.Keys.First();
        var statBefore = net.Buffers[firstBuffer].clone();

        TrainOneStep(net, input, shape, network.ResolveLayer("pool5"), 512, lr: 1e-3);

        using (var moved = net.Buffers[firstBuffer].sub(statBefore).abs().max())
            Assert.True(moved.item<float>() > 0, "train mode did not update the BatchNormalization running statistics");
        statBefore.Dispose();
        var written = OnnxNetwork.FromBytes(net.WriteBackBytes(), "written-back");
        Parity.Check(log, "ResNet-18 after a train-mode step, written back", written, net, written.Aliases.Pairs, input, shape);
    }

    /// <summary>One SGD step of cross-entropy on <paramref name="logits"/> against fixed labels, in train mode.</summary>
    static void TrainOneStep(TorchNetwork net, float[] input, int[] shape, string logits, int classes, double lr)
    {
        net.train();
        using var scope = NewDisposeScope();
        var x = tensor(input, shape.Select(d => (long)d).ToArray());
        var labels = arange(shape[0], ScalarType.Int64).remainder(classes);
        var optimizer = optim.SGD(net.parameters(), lr);
        optimizer.zero_grad();
        var output = net.Forward(x, [logits])[logits].flatten(1);
        var loss = nn.functional.cross_entropy(output, labels);
        loss.backward();
        optimizer.step();
        net.eval();
    }
}
