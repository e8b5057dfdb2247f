using LayerProbe.Networks;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace LayerProbe.Tests.Networks;

public class InputAdaptationTests
{
    static readonly OnnxNetwork ResNet = OnnxNetwork.Load(ModelCatalog.ResNet18ImageNet);

    static float[] Run(OnnxNetwork network, DenseTensor<float> input)
    {
        using var session = new InferenceSession(network.WithOutputs([network.ResolveLayer("pool5")]));
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(network.InputName, input)]);
        return results.First().AsTensor<float>().ToArray();
    }

    static DenseTensor<float> RandomImages(int n, int size, int seed)
    {
        var random = new Random(seed);
        var t = new DenseTensor<float>([n, 3, size, size]);
        for (int i = 0; i < t.Length; i++) t.SetValue(i, (float)(random.NextDouble() * 255 - 120));
        return t;
    }

    [Fact]
    public void Batched_network_at_the_declared_size_computes_what_the_original_computes()
    {
        var batched = ResNet.WithInput();
        Assert.Equal([-1, 3, 224, 224], batched.InputShape);
        Assert.NotEqual(ResNet.Sha256, batched.Sha256);
        var two = RandomImages(2, 224, 7);
        var together = Run(batched, two);
        for (int i = 0; i < 2; i++)
        {
            var one = new DenseTensor<float>(two.Buffer.Slice(i * 3 * 224 * 224, 3 * 224 * 224), [1, 3, 224, 224]);
            var alone = Run(ResNet, one);
            for (int k = 0; k < 512; k++) Assert.Equal(alone[k], together[i * 512 + k], 3);
        }
    }

    [Fact]
    public void FreeBatch_makes_only_the_batch_symbolic_and_batches_compute_what_single_images_compute()
    {
        var freed = OnnxNetwork.FromBytes(InputAdaptation.FreeBatch(ResNet.WithOutputs([ResNet.ResolveLayer("pool5")])), "freed");
        Assert.Equal(1, ResNet.InputShape[0]);
        Assert.Equal([-1, 3, 224, 224], freed.InputShape);
        var three = RandomImages(3, 224, 11);
        var together = Run(freed, three);
        for (int i = 0; i < 3; i += 2)
        {
            var one = new DenseTensor<float>(three.Buffer.Slice(i * 3 * 224 * 224, 3 * 224 * 224), [1, 3, 224, 224]);
            var alone = Run(ResNet, one);
            for (int k = 0; k < 512; k++) Assert.Equal(alone[k], together[i * 512 + k], 3);
        }
    }

    [Fact]
    public void Smaller_inputs_get_a_global_average_pool_of_the_last_stage()
    {
        var small = ResNet.WithInput(64, 64);
        var table = LayerTable.Read(small).Where(r => r.Alias is not null).ToDictionary(r => r.Alias!, r => r.Shape);
        Assert.Equal([512, 2, 2], table["res5c"]);
        Assert.Equal([512, 1, 1], table["pool5"]);
        var x = RandomImages(1, 64, 3);
        var pooled = Run(small, x);
        using var session = new InferenceSession(small.WithOutputs([small.ResolveLayer("res5c")]));
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(small.InputName, x)]);
        var map = results.First().AsTensor<float>().ToArray();
        for (int c = 0; c < 512; c++)
            Assert.Equal(map.Skip(4 * c).Take(4).Average(), pooled[c], 3);
    }
}
