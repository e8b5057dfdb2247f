using LayerProbe.Cli;
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
        Directory.CreateDirectory(tmp.Sub("images"));
        for (int i = 0; i < 3; i++)
        {
            using var image = new Image<Rgb24>(20 + i, 18);
            image[i, i] = new Rgb24(200, 10, 30);
            image.SaveAsPng(Path.Combine(tmp.Sub("images"), $"im{i}.png"));
        }
        string out_ = tmp.Sub("out");
        var error = new StringWriter();
        var original = Console.Error;
        Console.SetError(error);
        try
        {
            Assert.Equal(0, CliApp.Run(["extract", "--model", model, "--layers", "pool5,fc6", "--images", tmp.Sub("images"), "--out", out_, "--batch", "2", "--export-npy"]));
            var stores = Directory.GetDirectories(out_).Order().ToArray();
            Assert.Equal(2, stores.Length);
            foreach (var store in stores)
            {
                using var m = FeatureMatrix.Open(store);
                Assert.Equal(["im0.png", "im1.png", "im2.png"], m.Ids);
                Assert.True(File.Exists(Path.Combine(store, FeatureStoreFiles.Npy)));
            }
            Assert.Equal(2, CliApp.Run(["extract", "--model", model, "--layers", "conv9", "--images", tmp.Sub("images"), "--out", out_]));
            Assert.Equal(2, CliApp.Run(["extract", "--model", model, "--layers", "pool5", "--data", "nosuch:x", "--out", out_]));
            Assert.Equal(2, CliApp.Run(["extract", "--model", model, "--layers", "pool5", "--out", out_]));
        }
        finally
        {
            Console.SetError(original);
        }
        var lines = error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.Contains("unknown layer 'conv9'", lines[0]);
        Assert.Contains("unknown data source 'nosuch'", lines[1]);
        Assert.Contains("exactly one of --images", lines[2]);
    }
}
