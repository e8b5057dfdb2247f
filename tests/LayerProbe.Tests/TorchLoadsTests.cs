using TorchSharp;
using static TorchSharp.torch;

namespace LayerProbe.Tests;

/// <summary>TorchSharp must initialise on this machine (Debian 12 needs the build's ELF fix) and actually learn.</summary>
public class TorchLoadsTests
{
    [Fact]
    public void Torch_initialises_and_a_tiny_net_learns_xor()
    {
        // Seeds and draws from torch's global generator: not while a trainer in another test holds it.
        lock (LayerProbe.TorchGlobalState.Lock) LearnXor();
    }

    static void LearnXor()
    {
        torch.manual_seed(1);
        using var scope = NewDisposeScope();
        var x = tensor(new float[] { 0, 0, 0, 1, 1, 0, 1, 1 }, 4, 2);
        var y = tensor(new float[] { 0, 1, 1, 0 }, 4, 1);
        var net = nn.Sequential(nn.Linear(2, 16), nn.Tanh(), nn.Linear(16, 1));
        var opt = optim.SGD(net.parameters(), 0.5, momentum: 0.9);
        float first = 0, last = 0;
        for (int i = 0; i < 500; i++)
        {
            opt.zero_grad();
            using var loss = nn.functional.binary_cross_entropy_with_logits(net.forward(x), y);
            loss.backward();
            opt.step();
            if (i == 0) first = loss.item<float>();
            last = loss.item<float>();
        }
        Assert.True(last < 0.05f * first, $"loss {first} -> {last}");
        var predicted = net.forward(x).sigmoid().data<float>().ToArray();
        Assert.Equal(new[] { false, true, true, false }, predicted.Select(p => p > 0.5f).ToArray());
    }
}
