using Google.Protobuf;
using LayerProbe.Data;
using LayerProbe.Networks;
using LayerProbe.Tests.Features;
using LayerProbe.Tests.Zoo;

namespace LayerProbe.Tests.Data;

/// <summary>Which input convention each network gets (only from evidence), the presets' numbers and the overrides.</summary>
public class PreprocessingTests
{
    static readonly RgbImage White = new(5, 5, Enumerable.Repeat((byte)255, 75).ToArray());

    [Fact]
    public void Shipped_resnet18_gets_its_mean_image_by_hash_also_after_input_adaptation()
    {
        var resnet = OnnxNetwork.Load(ModelCatalog.ResNet18ImageNet);
        Assert.Equal(Preprocessing.ShippedResNet18Sha256, resnet.Sha256);
        var pre = Preprocessing.For(resnet);
        Assert.Equal(InputConvention.CntkResNet.Name, pre.Convention.Name);
        Assert.Equal(224, pre.Height);
        Assert.Contains("mean-image=image(", pre.Description);
        var adapted = resnet.WithInput(112, 112);
        Assert.NotEqual(resnet.Sha256, adapted.Sha256);
        var small = Preprocessing.For(adapted);
        Assert.Equal((InputConvention.CntkResNet.Name, 112), (small.Convention.Name, small.Width));
        Assert.DoesNotContain("mean-image", small.Description); // the image's channel averages at another size
    }

    [Fact]
    public void Builder_marked_networks_get_caffe_or_grey_and_an_unmarked_copy_is_refused()
    {
        var caffenet = OnnxNetwork.FromBytes(CaffeNet.Build(CaffeNetSpec.Mini(32, 3, 8, 32, 4, 1)).ToByteArray(), "caffenet-mini");
        var caffe = Preprocessing.For(caffenet, padding: 4);
        Assert.Equal(("caffe", 32, 4), (caffe.Convention.Name, caffe.Size, caffe.Padding));
        var values = new float[3 * 32 * 32];
        Preprocessing.For(caffenet).Fill(White, null, values);
        Assert.Equal([255f - 104, 255f - 117, 255f - 123], new[] { values[0], values[1024], values[2048 + 1023] });

        var grey = Preprocessing.For(OnnxNetwork.FromBytes(CaffeNet.Build(CaffeNetSpec.Mini(28, 1, 8, 32, 4, 1)).ToByteArray(), "grey-mini"));
        Assert.Equal("grey", grey.Convention.Name);
        var one = new float[28 * 28];
        grey.Fill(White, null, one);
        Assert.Equal((255f - LayerProbe.Training.FashionMnistTrainingSource.MeanPixel) * LayerProbe.Training.FashionMnistTrainingSource.UnitScale, one[0]);

        // the same graph without the builder's record: its CaffeNet structure is no evidence of its input convention
        var model = caffenet.Model.Clone();
        model.MetadataProps.Clear();
        var unmarked = OnnxNetwork.FromBytes(model.ToByteArray(), "unmarked.onnx");
        Assert.Equal(LayerAliases.CaffeNetVocabulary, unmarked.Aliases.Names); // still named in the paper's vocabulary
        var e = Assert.Throws<LayerProbeException>(() => Preprocessing.For(unmarked));
        Assert.Equal("unmarked.onnx: input convention unknown; pass --preprocess caffe|torchvision|cntk-resnet|grey", e.Message);
        Assert.Equal("caffe", Preprocessing.For(unmarked, new PreprocessingRequest("caffe")).Convention.Name);
    }

    [ZooTheory]
    [InlineData("resnet50")]
    [InlineData("shufflenet_v2_x0_5")]
    public void Torchvision_exports_are_not_guessed(string family)
    {
        var network = OnnxNetwork.Load(TorchvisionZoo.Export(family).OnnxPath);
        var e = Assert.Throws<LayerProbeException>(() => Preprocessing.For(network));
        Assert.EndsWith("input convention unknown; pass --preprocess caffe|torchvision|cntk-resnet|grey", e.Message);
        Assert.DoesNotContain(network.Aliases.Names, n => n.StartsWith("res") || n == "pool1"); // no stray ResNet-18/CaffeNet names
        var pre = Preprocessing.For(network, new PreprocessingRequest("torchvision"));
        Assert.Equal(("torchvision", 64), (pre.Convention.Name, pre.Size));
    }

    [Fact]
    public void Presets_and_overrides_give_the_stated_numbers()
    {
        using var tmp = new TempDir();
        var tiny = OnnxNetwork.Load(TinyNetwork.Write(tmp.Path));
        var image = new RgbImage(1, 1, [200, 100, 50]); // R, G, B
        float[] Fill(PreprocessingRequest request)
        {
            var pre = Preprocessing.For(tiny, request);
            var v = new float[pre.Channels * 16 * 16];
            pre.Fill(image, null, v);
            return [.. Enumerable.Range(0, pre.Channels).Select(c => v[c * 256])];
        }
        Assert.Equal(new[] { (200 / 255f - 0.485f) / 0.229f, (100 / 255f - 0.456f) / 0.224f, (50 / 255f - 0.406f) / 0.225f },
            Fill(new("torchvision")), new FloatTolerance(1e-5f));
        Assert.Equal(new[] { 50f - 104, 100f - 117, 200f - 123 }, Fill(new("caffe")));
        Assert.Equal(new[] { 200f - 123, 100f - 117, 50f - 104 }, Fill(new("caffe", Channels: ChannelOrder.Rgb))); // numbers follow the colours
        Assert.Equal(new[] { (50f - 10) / 2, (100f - 20) / 2, (200f - 30) / 2 }, Fill(new("caffe", Mean: [10, 20, 30], Std: [2, 2, 2])));
        Assert.Equal(new[] { (200 / 255f - 0.5f) / 0.25f, (100 / 255f - 0.5f) / 0.25f, (50 / 255f - 0.5f) / 0.25f },
            Fill(new(null, ChannelOrder.Rgb, 1f / 255, [0.5f, 0.5f, 0.5f], null, [0.25f, 0.25f, 0.25f])), new FloatTolerance(1e-5f));
        Assert.Contains("std=(0.229,0.224,0.225)", Preprocessing.For(tiny, new PreprocessingRequest("torchvision")).Description);

        Assert.Contains("--std needs 3 value(s)", Assert.Throws<LayerProbeException>(() => Fill(new("caffe", Std: [1, 2]))).Message);
        Assert.Contains("unknown input convention 'imagenet'", Assert.Throws<LayerProbeException>(() => Fill(new("imagenet"))).Message);
        Assert.Contains("makes 1", Assert.Throws<LayerProbeException>(() => Fill(new("grey"))).Message);
        Assert.Contains("not 20x20", Assert.Throws<LayerProbeException>(() => Preprocessing.For(tiny, 20)).Message);
    }
}

/// <summary>Compares floats to an absolute tolerance (for arrays in Assert.Equal).</summary>
sealed class FloatTolerance(float tolerance) : IEqualityComparer<float>
{
    public bool Equals(float x, float y) => Math.Abs(x - y) <= tolerance;
    public int GetHashCode(float obj) => 0;
}
