using System.Diagnostics;
using LayerProbe.Features;
using TempDir = LayerProbe.Tests.Data.TempDir;
using LayerProbe.Tests.Features;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace LayerProbe.Tests.Cli;

/// <summary>
/// Every bad input of issue 13 item 5 (but disk full) driven through the CLI as a child process: exit code 2, exactly
/// one line <c>layerprobe: PATH: problem</c> on stderr, no stack trace, and no complete store or snapshot left behind.
/// </summary>
public class BadInputTests
{
    static void OneLine((int Code, string Out, string Err) run, string path, string problem)
    {
        var lines = CliProcess.ErrorLines(run.Err);
        Assert.True(run.Code == 2, $"exit {run.Code}, stderr:\n{run.Err}");
        Assert.DoesNotContain(lines, l => l.Contains("Exception") || l.StartsWith("at "));
        var line = Assert.Single(lines, l => l.StartsWith("layerprobe:"));
        Assert.True(line.StartsWith($"layerprobe: {path}: ") && line.Contains(problem), line);
    }

    static void Png(string path, int width = 40, int height = 30)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var image = new Image<Rgb24>(width, height);
        image[1, 1] = new Rgb24(200, 10, 30);
        image.Save(path);
    }

    /// <summary>An image folder with two good images per class and <paramref name="bad"/> as cls0/bad.jpg.</summary>
    static string Folder(TempDir tmp, byte[] bad)
    {
        string root = tmp.Combine("images");
        for (int c = 0; c < 2; c++) for (int i = 0; i < 2; i++) Png(Path.Combine(root, $"cls{c}", $"im{i}.png"));
        File.WriteAllBytes(Path.Combine(root, "cls0", "bad.jpg"), bad);
        return root;
    }

    static (int, string, string) Extract(TempDir tmp, string data, params string[] extra) =>
        CliProcess.Run(["extract", "--model", TinyNetwork.Write(tmp.Path), "--layers", "pool5", "--data", data, "--out", tmp.Combine("out"), .. extra]);

    /// <summary>Box items need room for the warp's 16 pixels of context: a 64×64 CaffeNet-mini.</summary>
    static (int, string, string) ExtractBoxes(TempDir tmp, string data)
    {
        string model = tmp.Combine("mini64.onnx");
        Assert.Equal(0, CliProcess.Run("build-net", "caffenet-mini", "--size", "64", "--out", model).Code);
        return CliProcess.Run("extract", "--model", model, "--layers", "pool5", "--data", data, "--out", tmp.Combine("out"));
    }

    static void NoCompleteStore(TempDir tmp)
    {
        if (Directory.Exists(tmp.Combine("out")))
            Assert.All(Directory.GetDirectories(tmp.Combine("out")), d => Assert.False(FeatureStoreFiles.IsComplete(d), d));
    }

    /// <summary>A valid 8×8 baseline JPEG whose frame header (SOF0) is patched to declare 30000×30000.</summary>
    static byte[] PixelBomb()
    {
        using var image = new Image<Rgb24>(8, 8);
        using var stream = new MemoryStream();
        image.SaveAsJpeg(stream);
        var bytes = stream.ToArray();
        int sof = Enumerable.Range(0, bytes.Length - 1).First(i => bytes[i] == 0xFF && bytes[i + 1] == 0xC0);
        bytes[sof + 5] = bytes[sof + 7] = 30000 >> 8;
        bytes[sof + 6] = bytes[sof + 8] = 30000 & 0xFF;
        return bytes;
    }

    [Fact]
    public void A_jpeg_declaring_30000x30000_is_refused_from_its_header_in_one_line()
    {
        using var tmp = new TempDir();
        var bomb = PixelBomb();
        Assert.True(bomb.Length < 1000, $"{bomb.Length} bytes");
        string root = Folder(tmp, bomb);
        var clock = Stopwatch.StartNew();
        var run = Extract(tmp, "images:" + root);
        OneLine(run, Path.Combine(root, "cls0", "bad.jpg"), "declares 30000x30000 = 900,000,000 pixels, above the limit of 100,000,000 (raise it with --max-pixels)");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"{clock.Elapsed}"); // before: 2.7 GB decoded, then an OverflowException
        NoCompleteStore(tmp);
    }

    [Fact]
    public void Max_pixels_sets_the_limit()
    {
        using var tmp = new TempDir();
        string root = tmp.Combine("images");
        for (int c = 0; c < 2; c++) Png(Path.Combine(root, $"cls{c}", "im.png"), 40, 30);
        OneLine(Extract(tmp, "images:" + root, "--max-pixels", "1199"), Path.Combine(root, "cls0", "im.png"), "declares 40x30 = 1,200 pixels, above the limit of 1,199");
        Assert.Equal(0, Extract(tmp, "images:" + root, "--max-pixels", "1200").Item1);
        OneLine(Extract(tmp, "images:" + root, "--max-pixels", "0"), "--max-pixels", "0 is not a positive pixel count");
    }

    [Fact]
    public void A_zero_byte_image_is_one_line()
    {
        using var tmp = new TempDir();
        string root = Folder(tmp, []);
        OneLine(Extract(tmp, "images:" + root), Path.Combine(root, "cls0", "bad.jpg"), "empty file (0 bytes), not an image");
        NoCompleteStore(tmp);
    }

    [Fact]
    public void A_text_file_named_jpg_is_one_line()
    {
        using var tmp = new TempDir();
        string root = Folder(tmp, "this is not an image\n"u8.ToArray());
        OneLine(Extract(tmp, "images:" + root), Path.Combine(root, "cls0", "bad.jpg"), "not an image (no header of a known image format)");
        NoCompleteStore(tmp);
    }

    static string Devkit(TempDir tmp, string annotatedSize, string split)
    {
        string root = tmp.Combine("VOC2007");
        Directory.CreateDirectory(Path.Combine(root, "ImageSets", "Main"));
        Directory.CreateDirectory(Path.Combine(root, "Annotations"));
        File.WriteAllText(Path.Combine(root, "ImageSets", "Main", "test.txt"), split);
        var (w, h) = (annotatedSize.Split('x')[0], annotatedSize.Split('x')[1]);
        File.WriteAllText(Path.Combine(root, "Annotations", "000001.xml"),
            $"<annotation><size><width>{w}</width><height>{h}</height><depth>3</depth></size><object><name>dog</name><difficult>0</difficult>" +
            "<bndbox><xmin>100</xmin><ymin>60</ymin><xmax>200</xmax><ymax>150</ymax></bndbox></object></annotation>");
        Png(Path.Combine(root, "JPEGImages", "000001.jpg"), 64, 48); // ImageSharp sniffs the format, not the name
        return root;
    }

    [Fact]
    public void An_image_smaller_than_its_annotated_box_is_one_line_in_gt_boxes_mode()
    {
        using var tmp = new TempDir();
        string root = Devkit(tmp, "640x480", "000001\n");
        OneLine(ExtractBoxes(tmp, $"voc2007:{root}:test:gt-boxes"), Path.Combine(root, "JPEGImages", "000001.jpg"),
            "image is 64x48 but its annotation says 640x480");
        NoCompleteStore(tmp); // before: exit 0, the box warped from pixels that are not there
    }

    [Fact]
    public void An_all_empty_split_is_refused_not_stored_as_a_complete_0_row_store()
    {
        using var tmp = new TempDir();
        string root = Devkit(tmp, "640x480", "\n\n");
        OneLine(ExtractBoxes(tmp, $"voc2007:{root}:test:gt-boxes"), Path.Combine(root, "ImageSets", "Main", "test.txt"), "split 'test' lists no images");
        NoCompleteStore(tmp);
        Assert.False(Directory.Exists(tmp.Combine("out")) && Directory.GetDirectories(tmp.Combine("out")).Length > 0);
    }

    static string Store(TempDir tmp, string name)
    {
        string dir = tmp.Combine(name);
        var manifest = new FeatureManifest
        {
            ModelPath = "m.onnx", ModelSha256 = "00", DataName = "synthetic", DataFingerprint = "f", Preprocessing = "p", LayerAlias = "pool5",
            LayerValue = "pool5", Shape = [2, 2, 2], DType = "float32", Key = name, FormatVersion = 1, ToolVersion = "t",
            DotNetVersion = "n", OnnxRuntimeVersion = "o", Created = "c", Rows = 0, Complete = false,
        };
        using var w = FeatureStoreWriter.OpenOrCreate(dir, FeatureMatrixHeader.ForShape(FeatureDType.Float32, 6, [2, 2, 2]), manifest);
        w.Append(Enumerable.Range(0, 48).Select(i => (float)(i % 7)).ToArray(), Enumerable.Range(0, 6).Select(i => $"item{i}").ToArray());
        w.Commit();
        w.Complete();
        File.WriteAllLines(tmp.Combine("labels.csv"), Enumerable.Range(0, 6).Select(i => $"item{i},{(i % 2 == 0 ? "a" : "b")}"));
        return dir;
    }

    [Fact]
    public void Cka_with_one_store_named_twice_is_one_line()
    {
        using var tmp = new TempDir();
        string store = Store(tmp, "s");
        OneLine(CliProcess.Run("cka", "--stores", $"{store},{store}", "--out", tmp.Combine("cka")), store, "layer name 'pool5' is given twice");
    }

    [Theory]
    [InlineData("transform")]
    [InlineData("entropy")]
    [InlineData("cka")]
    [InlineData("train")]
    public void An_unwritable_out_is_one_line_before_any_work(string verb)
    {
        using var tmp = new TempDir();
        string store = Store(tmp, "s");
        File.WriteAllText(tmp.Combine("file"), "a regular file: nothing can be created under it, not even by root");
        string output = tmp.Combine("file", "sub");
        string[] args = verb switch
        {
            "transform" => ["transform", "--store", store, "--transform", "sp-max", "--out", output],
            "entropy" => ["entropy", "--stores", store, "--labels", tmp.Combine("labels.csv"), "--out", output],
            "cka" => ["cka", "--stores", $"a={store},b={store}", "--out", output],
            _ => ["train", "--model", "caffenet-mini", "--data", "fashion-mnist", "--iterations", "20", "--snapshot-at", "10", "--out", output],
        };
        var clock = Stopwatch.StartNew();
        var run = CliProcess.Run(args);
        OneLine(run, output, $"output folder cannot be created: {tmp.Combine("file")} is a file, not a folder");
        Assert.DoesNotContain("iteration", run.Out + run.Err); // train: refused before its first iteration, not at its first snapshot
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"{clock.Elapsed}");
    }
}
