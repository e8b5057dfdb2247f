using System.IO.Compression;
using LayerProbe.Data;

namespace LayerProbe.Tests.Data;

/// <summary>Fashion-MNIST IDX reading on the Debian dataset files, corrupt-file handling, and stratified subsets.</summary>
public class FashionMnistTests
{
    static readonly Lazy<FashionMnist> Test = new(() => FashionMnist.Load("t10k"));

    [Fact]
    public void Test_split_has_10000_images_1000_per_class_and_known_first_labels()
    {
        var data = Test.Value;
        Assert.Equal(10000, data.Count);
        for (int c = 0; c < 10; c++) Assert.Equal(1000, data.Labels.Count(l => l == c));
        Assert.Equal([9, 2, 1, 1, 6], data.Labels.Take(5).Select(l => (int)l));
        Assert.Equal("Ankle boot", FashionMnist.ClassNames[data.Labels[0]]);
        int sum = 0;
        foreach (var b in data.Grey(0)) sum += b;
        Assert.Equal(33456, sum); // pixel sum of the first test image (python gzip reference)
    }

    [Fact]
    public void Train_split_has_60000_images()
    {
        var data = FashionMnist.Load("train");
        Assert.Equal(60000, data.Count);
        Assert.All(Enumerable.Range(0, 10), c => Assert.Equal(6000, data.Labels.Count(l => l == c)));
    }

    [Fact]
    public void Grey_images_become_three_equal_channels()
    {
        var image = Test.Value.Image(0);
        Assert.Equal((28, 28), (image.Width, image.Height));
        var grey = Test.Value.Grey(0);
        for (int i = 0; i < 784; i++)
            Assert.True(image.Pixels[3 * i] == grey[i] && image.Pixels[3 * i + 1] == grey[i] && image.Pixels[3 * i + 2] == grey[i]);
        var output = new float[3 * 227 * 227];
        new CaffePreprocessor(MeanImage.FromPixel(5, 5, 5, 227), 227, 0).Fill(image, null, output);
        Assert.Equal(output.AsSpan(0, 227 * 227).ToArray(), output.AsSpan(2 * 227 * 227, 227 * 227).ToArray());
    }

    [Fact]
    public void Stratified_subset_is_balanced_seeded_and_sorted()
    {
        var labels = Test.Value.Labels;
        var a = StratifiedSubset.Select(labels, 10, 7, seed: 1);
        Assert.Equal(70, a.Length);
        Assert.Equal(70, a.Distinct().Count());
        Assert.All(Enumerable.Range(0, 10), c => Assert.Equal(7, a.Count(i => labels[i] == c)));
        Assert.Equal(a, a.Order());
        Assert.Equal(a, StratifiedSubset.Select(labels, 10, 7, seed: 1));
        Assert.NotEqual(a, StratifiedSubset.Select(labels, 10, 7, seed: 2));
        Assert.Throws<LayerProbeException>(() => StratifiedSubset.Select(labels, 10, 1001, seed: 1));
    }

    [Fact]
    public void Item_set_ids_labels_and_fingerprint()
    {
        var subset = StratifiedSubset.Select(Test.Value.Labels, 10, 2, seed: 3);
        var items = new FashionMnistItems(Test.Value, subset);
        Assert.Equal(20, items.Count);
        Assert.Equal($"t10k/{subset[0]}", items.Id(0));
        Assert.Equal(Test.Value.Labels[subset[5]], items.Labels.ClassIndex![5]);
        Assert.Equal(1, items.Labels[5, Test.Value.Labels[subset[5]]]);
        Assert.Equal(items.Fingerprint, new FashionMnistItems(Test.Value, subset).Fingerprint);
        Assert.NotEqual(items.Fingerprint, new FashionMnistItems(Test.Value, StratifiedSubset.Select(Test.Value.Labels, 10, 2, seed: 4)).Fingerprint);
        Assert.Null(items.Load(0).Region);
    }

    static string CopyWith(TempDir dir, string name, Func<byte[], byte[]> edit, bool recompress)
    {
        var source = Path.Combine(FashionMnist.DefaultFolder, name);
        var path = dir.Combine(name);
        if (!recompress) { File.WriteAllBytes(path, edit(File.ReadAllBytes(source))); return path; }
        using var input = new GZipStream(File.OpenRead(source), CompressionMode.Decompress);
        using var raw = new MemoryStream();
        input.CopyTo(raw);
        using var output = new GZipStream(File.Create(path), CompressionLevel.Fastest);
        output.Write(edit(raw.ToArray()));
        return path;
    }

    [Fact]
    public void Truncated_gzip_is_a_clear_error()
    {
        using var dir = new TempDir();
        var path = CopyWith(dir, "t10k-labels-idx1-ubyte.gz", b => b[..(b.Length / 2)], recompress: false);
        var e = Assert.Throws<LayerProbeException>(() => IdxFile.ReadBytes(path, 1));
        Assert.StartsWith(path + ": ", e.Message);
    }

    [Fact]
    public void Bad_magic_short_data_and_count_mismatch_are_clear_errors()
    {
        using var dir = new TempDir();
        var magic = CopyWith(dir, "t10k-labels-idx1-ubyte.gz", b => { b[3] = 3; return b; }, recompress: true);
        Assert.Contains("bad IDX magic number 0x00000803", Assert.Throws<LayerProbeException>(() => IdxFile.ReadBytes(magic, 1)).Message);

        var images = CopyWith(dir, "t10k-images-idx3-ubyte.gz", b => b[..^100], recompress: true);
        var e = Assert.Throws<LayerProbeException>(() => IdxFile.ReadBytes(images, 3));
        Assert.Contains("truncated IDX data", e.Message);

        File.Delete(images);
        CopyWith(dir, "t10k-images-idx3-ubyte.gz", b => b, recompress: false);
        CopyWith(dir, "t10k-labels-idx1-ubyte.gz", b => { b[6] = 0x26; return b[..^256]; }, recompress: true); // 9744 labels
        var mismatch = Assert.Throws<LayerProbeException>(() => FashionMnist.Load("t10k", dir.Path));
        Assert.Contains("9744 labels for 10000 images", mismatch.Message);
    }
}
