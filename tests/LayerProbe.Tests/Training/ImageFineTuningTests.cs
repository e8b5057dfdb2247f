using Google.Protobuf;
using LayerProbe.Cli;
using LayerProbe.Data;
using LayerProbe.Features;
using LayerProbe.Networks;
using LayerProbe.Training;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace LayerProbe.Tests.Training;

/// <summary>Image-level fine-tuning on single-label image items (<c>--data images:DIR</c>), preprocessed for the network.</summary>
[Collection("Console")]
public class ImageFineTuningTests
{
    /// <summary>An image folder: class "dark" and class "light", <paramref name="perClass"/> noisy 40×30 PNGs each.</summary>
    static string ImageFolder(int perClass, int seed)
    {
        string root = TrainingFixtures.TempDir();
        var random = new Random(seed);
        foreach (var (name, level) in new[] { ("dark", 40), ("light", 200) })
        {
            Directory.CreateDirectory(Path.Combine(root, name));
            for (int i = 0; i < perClass; i++)
            {
                using var image = new Image<Rgb24>(40, 30);
                for (int y = 0; y < 30; y++)
                    for (int x = 0; x < 40; x++)
                    {
                        byte v = (byte)Math.Clamp(level + random.Next(-30, 31), 0, 255);
                        image[x, y] = new Rgb24(v, v, v);
                    }
                image.Save(Path.Combine(root, name, $"{i:D2}.png"));
            }
        }
        return root;
    }

    static string MiniOnnx(int size = 32)
    {
        string path = Path.Combine(TrainingFixtures.TempDir(), "mini.onnx");
        File.WriteAllBytes(path, CaffeNet.Build(CaffeNetSpec.Mini(size, 3, 8, 64, 10, 3)).ToByteArray());
        return path;
    }

    [Fact]
    public void Items_are_filled_as_the_network_preprocesses_them_with_their_class_index()
    {
        string folder = ImageFolder(3, 1);
        var network = OnnxNetwork.Load(MiniOnnx());
        var (items, preprocessor) = ItemSetSources.Create($"images:{folder}", network);
        var source = new ImageItemsTrainingSource((ILabelledItemSet)items, preprocessor);
        Assert.Equal(6, source.Count);
        Assert.Equal(2, source.Classes);
        Assert.Equal([3, 32, 32], source.ItemShape);
        int length = 3 * 32 * 32;
        var inputs = new float[2 * length];
        var labels = new long[2];
        source.Fill([4, 1], inputs, labels);
        Assert.Equal([1L, 0L], labels); // items are sorted by class folder: 0-2 dark, 3-5 light
        var expected = new float[length];
        var (image, region) = items.Load(4);
        preprocessor.Fill(image, region, expected);
        Assert.Equal(expected, inputs[..length]);
    }

    [Fact]
    public void Train_fine_tunes_an_onnx_network_on_an_image_folder_with_a_held_out_folder()
    {
        string train = ImageFolder(6, 2), heldOut = ImageFolder(2, 3), dir = TrainingFixtures.TempDir();
        Assert.Equal(0, CliApp.Run(["train", "--model", MiniOnnx(), "--finetune", "all", "--data", $"images:{train}", "--test", $"images:{heldOut}",
            "--iterations", "3", "--batch", "4", "--lr", "0.001", "--threads", "2", "--out", dir]));
        var snapshot = OnnxNetwork.Load(Path.Combine(dir, "snapshot_iter_3.onnx"));
        Assert.Equal(2, LayerTable.Read(snapshot).Single(r => r.Alias == "fc8").Shape[0]);
        var log = File.ReadAllLines(Path.Combine(dir, "train_log.csv"));
        Assert.Equal("test_accuracy", log[0].Split(',')[4]);
        Assert.InRange(double.Parse(log[^1].Split(',')[4], System.Globalization.CultureInfo.InvariantCulture), 0, 1); // held-out top-1 at the end
    }

    [Fact]
    public void Train_fine_tunes_on_voc_ground_truth_boxes_as_single_label_items()
    {
        using var devkit = new WindowDevkit();
        string dir = TrainingFixtures.TempDir();
        Assert.Equal(0, CliApp.Run(["train", "--model", MiniOnnx(48), "--finetune", "all", "--data", $"voc2007:{devkit.Dir.Path}:trainval:gt-boxes",
            "--iterations", "2", "--batch", "4", "--threads", "2", "--out", dir]));
        var snapshot = OnnxNetwork.Load(Path.Combine(dir, "snapshot_iter_2.onnx"));
        Assert.Equal(20, LayerTable.Read(snapshot).Single(r => r.Alias == "fc8").Shape[0]); // the VOC classes, no background
    }

    [Fact]
    public void Box_items_on_a_network_too_small_for_the_context_padding_are_refused_before_training()
    {
        using var devkit = new WindowDevkit();
        string dir = TrainingFixtures.TempDir();
        var error = new StringWriter();
        var saved = Console.Error;
        Console.SetError(error);
        try
        {
            Assert.Equal(2, CliApp.Run(["train", "--model", MiniOnnx(32), "--finetune", "all", "--data", $"voc2007:{devkit.Dir.Path}:trainval:gt-boxes",
                "--iterations", "2", "--out", dir]));
        }
        finally { Console.SetError(saved); }
        Assert.Contains("32x32 inputs leave no room for the warp's 16 pixels of context", error.ToString());
        Assert.Empty(Directory.GetFiles(dir));
    }

    [Theory]
    [InlineData("caffenet-mini", "images:", "", "caffenet-mini is built for Fashion-MNIST")]
    [InlineData("onnx", "fashion-mnist", "images:", "--test: applies to image data")]
    [InlineData("onnx", "images:", "images:other", "differ from the training data's")]
    public void Image_data_errors_are_one_line_before_training(string net, string data, string heldOut, string expected)
    {
        string folder = ImageFolder(1, 4), other = TrainingFixtures.TempDir(), dir = TrainingFixtures.TempDir();
        Directory.CreateDirectory(Path.Combine(other, "cat"));
        using (var image = new Image<Rgb24>(8, 8)) image.Save(Path.Combine(other, "cat", "a.png"));
        string Resolve(string spec) => spec switch { "images:" => $"images:{folder}", "images:other" => $"images:{other}", _ => spec };
        string[] args = ["train", "--model", net == "onnx" ? MiniOnnx() : net, "--data", Resolve(data), "--iterations", "2", "--out", dir];
        if (heldOut.Length > 0) args = [.. args, "--test", Resolve(heldOut)];
        var error = new StringWriter();
        var saved = Console.Error;
        Console.SetError(error);
        try { Assert.Equal(2, CliApp.Run(args)); }
        finally { Console.SetError(saved); }
        Assert.Single(error.ToString().Trim().Split('\n'));
        Assert.Contains(expected, error.ToString());
        Assert.Empty(Directory.GetFiles(dir));
    }
}
