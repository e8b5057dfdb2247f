using LayerProbe.Cli;
using LayerProbe.Data;
using LayerProbe.Features;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace LayerProbe.Tests.Features;

/// <summary>The <c>extract</c> verb end to end on a folder of PNGs and the tiny network.</summary>
[Collection("Console")]
public class ExtractCommandTests
{
    [Fact]
    public void Extracts_an_image_folder_into_stores_with_npy_and_rejects_bad_input_with_exit_2()
    {
        using var tmp = new TempDir();
        string model = TinyNetwork.Write(tmp.Path);
        Directory.CreateDirectory(Path.Combine(tmp.Sub("images"), "cls"));
        for (int i = 0; i < 3; i++)
        {
            using var image = new Image<Rgb24>(20 + i, 18);
            image[i, i] = new Rgb24(200, 10, 30);
            image.SaveAsPng(Path.Combine(tmp.Sub("images"), "cls", $"im{i}.png"));
        }
        string out_ = tmp.Sub("out");
        var error = new StringWriter();
        var original = Console.Error;
        Console.SetError(error);
        try
        {
            Assert.Equal(0, CliApp.Run(["extract", "--model", model, "--layers", "pool5,fc6", "--data", "images:" + tmp.Sub("images"), "--out", out_, "--batch", "2", "--export-npy"]));
            var stores = Directory.GetDirectories(out_).Order().ToArray();
            Assert.Equal(2, stores.Length);
            foreach (var store in stores)
            {
                using var m = FeatureMatrix.Open(store);
                Assert.Equal(["cls/im0.png", "cls/im1.png", "cls/im2.png"], m.Ids);
                Assert.Contains("caffe(channels=bgr,scale=1,mean=(104,117,123),std=(1,1,1))(size=16,padding=0", FeatureManifest.Read(Path.Combine(store, FeatureStoreFiles.Manifest)).Preprocessing);
                Assert.True(File.Exists(Path.Combine(store, FeatureStoreFiles.Npy)));
            }
            Assert.Equal(2, CliApp.Run(["extract", "--model", model, "--layers", "conv9", "--data", "images:" + tmp.Sub("images"), "--out", out_]));
            Assert.Equal(2, CliApp.Run(["extract", "--model", model, "--layers", "pool5", "--data", "nosuch:x", "--out", out_]));
            Assert.Equal(2, CliApp.Run(["extract", "--model", model, "--layers", "pool5", "--out", out_]));
        }
        finally
        {
            Console.SetError(original);
        }
        var lines = error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith("layerprobe:")).ToArray();
        Assert.Equal(3, lines.Length);
        Assert.Contains("unknown layer 'conv9'", lines[0]);
        Assert.Contains("unknown data source 'nosuch'", lines[1]);
        Assert.Contains("give --data SPEC", lines[2]);
    }

    [Fact]
    public void Extracts_a_stratified_fashion_mnist_subset_with_resnet18_in_its_own_convention()
    {
        Assert.True(File.Exists(Path.Combine(FashionMnist.DefaultFolder, "t10k-images-idx3-ubyte.gz")), "Debian dataset-fashion-mnist is not installed");
        using var tmp = new TempDir();
        string out_ = tmp.Sub("out");
        Assert.Equal(0, CliApp.Run(["extract", "--model", "resnet18-imagenet", "--layers", "pool5", "--data", "fashion-mnist:test:1:3", "--out", out_, "--batch", "4"]));
        var store = Assert.Single(Directory.GetDirectories(out_));
        using var m = FeatureMatrix.Open(store);
        Assert.Equal(10, m.RowCount);
        Assert.Equal(512, m.Cols);
        var data = FashionMnist.Load("test");
        // one item of each class, in index order
        Assert.Equal(Enumerable.Range(0, 10), m.Ids.Select(id => (int)data.Labels[int.Parse(id.Split('/')[1])]).Order());
        Assert.StartsWith("cntk-resnet(channels=bgr,scale=1,mean=(", FeatureManifest.Read(Path.Combine(store, FeatureStoreFiles.Manifest)).Preprocessing);
        Assert.Contains("(size=224,padding=0,resize=bilinear-noaa,mean-image=image(", FeatureManifest.Read(Path.Combine(store, FeatureStoreFiles.Manifest)).Preprocessing);
        Assert.Contains(m.Row(0).ToArray(), v => v != 0);
    }

    [Theory]
    [InlineData("fashion-mnist:", "missing argument")]
    [InlineData("fashion-mnist:validation", "unknown Fashion-MNIST split")]
    [InlineData("fashion-mnist:test:zero", "PER_CLASS 'zero' is not an integer")]
    [InlineData("fashion-mnist:test:0", "PER_CLASS must be positive")]
    [InlineData("fashion-mnist:test:1:2:3", "too many fields")]
    [InlineData("voc2007:/nonexistent/VOC2007", "does not match voc2007:DEVKIT_DIR:SPLIT")]
    [InlineData("voc2007:/nonexistent/VOC2007:test", "VOC devkit folder not found")]
    [InlineData("images:/nonexistent/folder", "image folder not found")]
    public void Bad_data_specifications_are_clear_user_errors(string spec, string message)
    {
        using var tmp = new TempDir();
        var network = LayerProbe.Networks.OnnxNetwork.Load(TinyNetwork.Write(tmp.Path));
        Assert.Contains(message, Assert.Throws<LayerProbeException>(() => ItemSetSources.Create(spec, network)).Message);
    }
}
