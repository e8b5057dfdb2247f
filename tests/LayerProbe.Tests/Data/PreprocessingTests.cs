using LayerProbe.Data;
using LayerProbe.Networks;
using LayerProbe.Tests.Features;

namespace LayerProbe.Tests.Data;

/// <summary>Which input convention each network gets, and the overrides.</summary>
public class PreprocessingTests
{
    [Fact]
    public void ResNet18_gets_its_shipped_mean_image_and_caffenet_vocabulary_gets_the_ilsvrc_mean_pixel()
    {
        var resnet = OnnxNetwork.Load(ModelCatalog.ResNet18ImageNet);
        var imagenet = Preprocessing.For(resnet);
        Assert.IsType<ImageNetPreprocessor>(imagenet);
        Assert.Equal(224, imagenet.Height);
        Assert.Equal(ImageNetPreprocessor.FromOnnx(ModelCatalog.Resolve(ModelCatalog.ResNet18ImageNetPreprocess)).Description, imagenet.Description);
        Assert.Equal(112, Preprocessing.For(resnet.WithInput(112, 112)).Width);

        using var tmp = new TempDir();
        var tiny = OnnxNetwork.Load(TinyNetwork.Write(tmp.Path));
        var caffe = Assert.IsType<CaffePreprocessor>(Preprocessing.For(tiny, padding: 4));
        Assert.Equal((16, 4), (caffe.CropSize, caffe.Padding));
        Assert.Contains("mean=pixel(b=104,g=117,r=123)", caffe.Description);
        // a white image minus the mean pixel, BGR planes, padding 0 fills the whole canvas
        var white = new RgbImage(5, 5, Enumerable.Repeat((byte)255, 75).ToArray());
        var values = new float[3 * 16 * 16];
        Preprocessing.For(tiny).Fill(white, null, values);
        Assert.Equal([255f - 104, 255f - 117, 255f - 123], new[] { values[0], values[256], values[512 + 255] });

        var forced = Preprocessing.For(resnet, convention: PreprocessingConvention.Caffe);
        Assert.Equal(224, Assert.IsType<CaffePreprocessor>(forced).CropSize);
        Assert.IsType<ImageNetPreprocessor>(Preprocessing.For(tiny, convention: PreprocessingConvention.ImageNet));
        Assert.Contains("not 20x20", Assert.Throws<LayerProbeException>(() => Preprocessing.For(tiny, size: 20)).Message);
    }
}
