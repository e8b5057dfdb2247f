using LayerProbe.Data;
using LayerProbe.Features;
using LayerProbe.Networks;
using Microsoft.ML.OnnxRuntime;

namespace LayerProbe.Tests.Features;

/// <summary>Stored rows of the real ImageNet ResNet-18 against a direct ONNX Runtime run of the unmodified model.</summary>
public class ResNet18ParityTests
{
    [Fact]
    public void Stored_pool5_equals_the_unmodified_models_output_and_res5c_averages_to_it()
    {
        using var tmp = new TempDir();
        var network = OnnxNetwork.Load(ModelCatalog.ResNet18ImageNet);
        var items = new RandomImageSet(3, seed: 5, minSide: 150, maxSide: 300);
        var pre = Preprocessing.For(network);
        Assert.Equal("cntk-resnet", pre.Convention.Name);
        var result = FeatureExtractor.Run(network, items, pre, ["res5c", "pool5"], tmp.Sub("out"), new ExtractionOptions { BatchSize = 2 });

        using var session = new InferenceSession(network.Path);
        string output = session.OutputNames.Single();
        Assert.Equal(network.ResolveLayer("pool5"), output);
        using var res5c = FeatureMatrix.Open(result.Stores[0].Directory);
        using var pool5 = FeatureMatrix.Open(result.Stores[1].Directory);
        Assert.Equal([512, 7, 7], result.Stores[0].Shape);
        Assert.Equal(512, pool5.Cols);
        var input = new float[3 * 224 * 224];
        for (int i = 0; i < items.Count; i++)
        {
            var (image, region) = items.Load(i);
            pre.Fill(image, region, input);
            using var x = OrtValue.CreateTensorValueFromMemory(input, [1, 3, 224, 224]);
            using var runOptions = new RunOptions();
            using var y = session.Run(runOptions, [network.InputName], [x], [output]);
            var expected = y[0].GetTensorDataAsSpan<float>().ToArray();
            var stored = pool5.Row(i).ToArray();
            Assert.All(expected.Zip(stored), p => Assert.Equal(p.First, p.Second, 1e-5f));
            Assert.Contains(expected, v => v != 0);
            for (int c = 0; c < 512; c += 37)
                Assert.Equal(stored[c], res5c.Row(i).Slice(c * 49, 49).ToArray().Average(), 1e-5f);
        }
    }
}
