using Google.Protobuf;
using LayerProbe.Networks;
using LayerProbe.Networks.Torch;
using Xunit.Abstractions;

namespace LayerProbe.Tests.Networks;

/// <summary>ONNX Runtime vs TorchSharp modules on every exposed layer of three networks (tolerance 1e-4 relative).</summary>
public class NetworkParityTests(ITestOutputHelper log)
{
    [Fact]
    public void Caffenet_full_size_random_weights_matches_onnx_runtime_on_every_sublayer()
    {
        var network = OnnxNetwork.FromBytes(CaffeNet.Build(CaffeNetSpec.Full(seed: 7)).ToByteArray(), "caffenet(seed 7)");
        Assert.Equal(LayerAliases.CaffeNetVocabulary, network.Aliases.Names);
        using var net = new TorchNetwork(network);
        int[] shape = [2, 3, 227, 227];
        Parity.Check(log, "CaffeNet (random, batch 2)", network, net, network.Aliases.Pairs, Parity.Input(2 * 3 * 227 * 227, 1), shape);
    }

    [Theory]
    [InlineData(64, 3, 4, 256, 10)]
    [InlineData(32, 1, 8, 128, 10)]
    public void Caffenet_mini_matches_onnx_runtime_on_every_sublayer(int size, int channels, int divisor, int fc, int classes)
    {
        var spec = CaffeNetSpec.Mini(size, channels, divisor, fc, classes, seed: 3);
        var network = OnnxNetwork.FromBytes(CaffeNet.Build(spec).ToByteArray(), "caffenet-mini");
        Assert.Equal(LayerAliases.CaffeNetVocabulary, network.Aliases.Names);
        using var net = new TorchNetwork(network);
        int[] shape = [4, channels, size, size];
        Parity.Check(log, $"CaffeNet-mini ({CaffeNet.Describe(spec)}, batch 4)", network, net, network.Aliases.Pairs,
            Parity.Input(shape.Aggregate(1, (a, b) => a * b), 2), shape);
    }

    [Fact]
    public void Resnet18_imagenet_matches_onnx_runtime_on_every_alias_layer()
    {
        var network = OnnxNetwork.Load(ModelCatalog.ResNet18ImageNet);
        Assert.Contains("res5b", network.Aliases.Names);
        using var net = new TorchNetwork(network);
        int[] shape = [1, 3, 224, 224];
        Parity.Check(log, "ResNet-18 ImageNet", network, net, network.Aliases.Pairs, Parity.Input(3 * 224 * 224, 3), shape);
    }
}
