using LayerProbe.Data;
using LayerProbe.Features;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace LayerProbe.Tests.Features;

public class ImageFolderTests
{
    static void SavePng(string path, int w, int h, Func<int, int, Rgb24> pixel)
    {
        using var image = new Image<Rgb24>(w, h);
        for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) image[x, y] = pixel(x, y);
        image.SaveAsPng(path);
    }

    [Fact]
    public void Lists_images_in_name_order_and_decodes_exact_pixels()
    {
        using var tmp = new TempDir();
        SavePng(tmp.Sub("b.png"), 3, 2, (x, y) => new Rgb24((byte)(10 * x), (byte)(100 + y), 7));
        SavePng(tmp.Sub("a.png"), 2, 2, (_, _) => new Rgb24(1, 2, 3));
        File.WriteAllText(tmp.Sub("notes.txt"), "ignored");
        var set = new ImageFolderItemSet(tmp.Path);
        Assert.Equal(2, set.Count);
        Assert.Equal(["a.png", "b.png"], new[] { set.Id(0), set.Id(1) });
        var (image, region) = set.Load(1);
        Assert.Null(region);
        Assert.Equal((3, 2), (image.Width, image.Height));
        Assert.Equal(new byte[] { 20, 101, 7 }, image.Pixels[(3 * (1 * 3 + 2))..(3 * (1 * 3 + 2) + 3)]);

        string before = set.Fingerprint;
        SavePng(tmp.Sub("a.png"), 2, 3, (_, _) => new Rgb24(1, 2, 3));
        Assert.NotEqual(before, new ImageFolderItemSet(tmp.Path).Fingerprint);
    }

    [Fact]
    public void Bad_folders_and_files_are_one_line_user_errors()
    {
        using var tmp = new TempDir();
        Assert.Contains("no .jpg/.jpeg/.png", Assert.Throws<LayerProbeException>(() => new ImageFolderItemSet(tmp.Path)).Message);
        Assert.Contains("no such image folder", Assert.Throws<LayerProbeException>(() => new ImageFolderItemSet(tmp.Sub("missing"))).Message);
        File.WriteAllText(tmp.Sub("broken.jpg"), "not a jpeg");
        var e = Assert.Throws<LayerProbeException>(() => new ImageFolderItemSet(tmp.Path).Load(0));
        Assert.StartsWith(tmp.Sub("broken.jpg") + ": cannot decode", e.Message);
    }

    [Fact]
    public void Preprocessor_normalises_a_flat_image_exactly_and_resizes_a_gradient_bilinearly()
    {
        var pre = new BilinearMeanStdPreprocessor(4, 6);
        var flat = new RgbImage(5, 3, Enumerable.Range(0, 15).SelectMany(_ => new byte[] { 255, 128, 0 }).ToArray());
        var output = new float[3 * 4 * 6];
        pre.Fill(flat, null, output);
        float[] expected = [(1 - 0.485f) / 0.229f, (128 / 255f - 0.456f) / 0.224f, (0 - 0.406f) / 0.225f];
        for (int c = 0; c < 3; c++)
            Assert.All(output.AsSpan(c * 24, 24).ToArray(), v => Assert.Equal(expected[c], v, 1e-5f));

        // A horizontal ramp 0, 60, 120, 180 resized 4 -> 2 wide samples at x = 0.5 and 2.5: 30 and 150.
        var ramp = new RgbImage(4, 1, [0, 0, 0, 60, 60, 60, 120, 120, 120, 180, 180, 180]);
        var identity = new BilinearMeanStdPreprocessor(1, 2, [0, 0, 0], [1, 1, 1]);
        var two = new float[6];
        identity.Fill(ramp, null, two);
        Assert.Equal(30 / 255f, two[0], 1e-6f);
        Assert.Equal(150 / 255f, two[1], 1e-6f);

        // A region (VOC 1-based inclusive) [3, 1, 4, 1] is the pixels 120 and 180.
        identity.Fill(ramp, new PixelBox(3, 1, 4, 1), two);
        Assert.Equal(120 / 255f, two[0], 1e-6f);
        Assert.Equal(180 / 255f, two[1], 1e-6f);
    }
}
