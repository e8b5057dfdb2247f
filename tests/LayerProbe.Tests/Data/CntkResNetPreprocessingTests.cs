using LayerProbe.Data;
using LayerProbe.Networks;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace LayerProbe.Tests.Data;

/// <summary>
/// Our cntk-resnet preprocessing + ResNet18.onnx must equal the shipped ResNetPreprocess.onnx + ResNet18.onnx (both run in
/// ONNX Runtime) on the same resized image.
/// </summary>
public class CntkResNetPreprocessingTests
{
    static RgbImage TestImage()
    {
        const string jpg = "/usr/share/doc/labelme-examples/examples/bbox_detection/data_dataset_voc/JPEGImages/2011_000003.jpg";
        if (File.Exists(jpg)) return ImageDecoder.Decode(jpg);
        var rng = new Random(11); // smooth synthetic image when the photo is not installed
        var p = new byte[3 * 320 * 240];
        for (int y = 0; y < 240; y++)
            for (int x = 0; x < 320; x++)
                for (int c = 0; c < 3; c++) p[3 * (y * 320 + x) + c] = (byte)(127 + 100 * Math.Sin(x * 0.05 * (c + 1) + y * 0.03) + rng.Next(-20, 20));
        return new RgbImage(320, 240, p);
    }

    static float[] Run(InferenceSession session, float[] input)
    {
        var tensor = new DenseTensor<float>(input, [1, 3, 224, 224]);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(session.InputMetadata.Keys.First(), tensor)]);
        return results.First().AsEnumerable<float>().ToArray();
    }

    [Fact]
    public void Reads_bgr_order_and_mean_image_from_the_shipped_graph()
    {
        var pre = Preprocessing.Build(InputConvention.CntkResNet, 224);
        Assert.Equal((3, 224, 224), (pre.Channels, pre.Height, pre.Width));
        Assert.Contains("channels=bgr", pre.Description);
        var mean = CntkResNetMean.ReadBgrMean(ModelCatalog.Resolve("resnet18-imagenet-preprocess"));
        var (b, g, r) = mean.ChannelMeans();
        Assert.InRange(b, 80, 140); Assert.InRange(g, 80, 140); Assert.InRange(r, 80, 140); // 0–255 scale, not [0,1]
        Assert.Equal(new[] { b, g, r }, pre.Convention.Mean); // recorded in the description and manifests
        var small = Preprocessing.Build(InputConvention.CntkResNet, 112);
        Assert.Equal(112, small.Width);
    }

    [Fact]
    public void Features_match_the_shipped_preprocessing_graph_then_resnet18()
    {
        var image = TestImage();
        var pre = Preprocessing.Build(InputConvention.CntkResNet, 224);
        var ours = new float[3 * 224 * 224];
        pre.Fill(image, null, ours);

        // reference input: the same resize, as RGB 0–255 (what ResNetPreprocess.onnx expects)
        var bgr = new float[3 * 224 * 224];
        new CaffePreprocessor(MeanImage.FromPixel(0, 0, 0, 224), 224, 0).Fill(image, null, bgr);
        const int plane = 224 * 224;
        var rgb = new float[3 * plane];
        for (int c = 0; c < 3; c++) bgr.AsSpan((2 - c) * plane, plane).CopyTo(rgb.AsSpan(c * plane));

        using var options = new SessionOptions { IntraOpNumThreads = 2 };
        using var prep = new InferenceSession(ModelCatalog.Resolve("resnet18-imagenet-preprocess"), options);
        using var net = new InferenceSession(ModelCatalog.Resolve(ModelCatalog.ResNet18ImageNet), options);
        var reference = Run(net, Run(prep, rgb));
        var features = Run(net, ours);

        Assert.Equal(512, features.Length);
        double scale = reference.Max(v => Math.Abs(v));
        Assert.True(scale > 0.1, "features are not degenerate");
        double worst = features.Zip(reference, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(worst <= 1e-4 * scale, $"max |ours − reference| = {worst}, max |reference| = {scale}");
        // the comparison discriminates: RGB order without the mean gives clearly different features
        var wrong = Run(net, rgb);
        Assert.True(wrong.Zip(reference, (a, b) => Math.Abs(a - b)).Max() > 1e-2 * scale);
    }
}
