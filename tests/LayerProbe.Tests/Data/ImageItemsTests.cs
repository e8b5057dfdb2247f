using LayerProbe.Data;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace LayerProbe.Tests.Data;

/// <summary>Image decoding, the image-folder dataset and fingerprints of file-backed item sets.</summary>
public class ImageItemsTests
{
    static void Save(string path, int w, int h, Rgb24 colour)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var image = new Image<Rgb24>(w, h, colour);
        image.Save(path);
    }

    [Fact]
    public void Png_decodes_exactly_and_grey_png_becomes_rgb()
    {
        using var dir = new TempDir();
        var path = dir.Combine("a.png");
        using (var image = new Image<Rgb24>(3, 2))
        {
            image[2, 1] = new Rgb24(10, 20, 30);
            image.Save(path);
        }
        var rgb = ImageDecoder.Decode(path);
        Assert.Equal((3, 2), (rgb.Width, rgb.Height));
        Assert.Equal(new byte[] { 10, 20, 30 }, rgb.Pixels[(3 * (1 * 3 + 2))..][..3]);
        var grey = dir.Combine("g.png");
        using (var image = new Image<L8>(2, 2, new L8(77))) image.Save(grey);
        Assert.All(ImageDecoder.Decode(grey).Pixels, b => Assert.Equal(77, b));
    }

    [Fact]
    public void Truncated_and_corrupt_jpeg_name_the_file()
    {
        using var dir = new TempDir();
        var good = dir.Combine("good.jpg");
        Save(good, 64, 48, new Rgb24(200, 10, 10));
        Assert.Equal(64, ImageDecoder.Decode(good).Width);
        var bytes = File.ReadAllBytes(good);
        var truncated = dir.Combine("truncated.jpg");
        File.WriteAllBytes(truncated, bytes[..(bytes.Length / 2)]);
        var e = Assert.Throws<LayerProbeException>(() => ImageDecoder.Decode(truncated));
        Assert.StartsWith(truncated + ": ", e.Message);
        var garbage = dir.Combine("garbage.jpg");
        File.WriteAllBytes(garbage, [.. "not an image at all"u8]);
        Assert.StartsWith(garbage + ": ", Assert.Throws<LayerProbeException>(() => ImageDecoder.Decode(garbage)).Message);
        Assert.StartsWith(dir.Combine("missing.jpg") + ": ", Assert.Throws<LayerProbeException>(() => ImageDecoder.Decode(dir.Combine("missing.jpg"))).Message);
    }

    [Fact]
    public void Image_folder_lists_classes_and_files_in_order_with_single_labels()
    {
        using var dir = new TempDir();
        Save(dir.Combine("cat", "b.png"), 4, 4, new Rgb24(1, 2, 3));
        Save(dir.Combine("cat", "a.jpg"), 8, 8, new Rgb24(1, 2, 3));
        Save(dir.Combine("dog", "z.PNG"), 5, 6, new Rgb24(9, 9, 9));
        File.WriteAllText(dir.Combine("dog", "notes.txt"), "ignored");
        var items = new ImageFolderItems(dir.Path);
        Assert.Equal(["cat/a.jpg", "cat/b.png", "dog/z.PNG"], Enumerable.Range(0, items.Count).Select(items.Id));
        Assert.Equal(["cat", "dog"], items.Labels.Classes);
        Assert.Equal([0, 0, 1], items.Labels.ClassIndex!);
        Assert.Equal((5, 6), (items.Load(2).Image.Width, items.Load(2).Image.Height));
        Assert.Throws<LayerProbeException>(() => new ImageFolderItems(dir.Combine("cat")));
    }

    [Fact]
    public void Missing_and_empty_image_folders_are_one_line_errors_naming_the_folder()
    {
        using var dir = new TempDir();
        Assert.StartsWith(dir.Combine("missing") + ": image folder not found",
            Assert.Throws<LayerProbeException>(() => new ImageFolderItems(dir.Combine("missing"))).Message);
        Save(dir.Combine("flat.png"), 4, 4, new Rgb24(1, 2, 3)); // images must sit in class sub-folders
        Directory.CreateDirectory(dir.Combine("empty-class"));
        Assert.StartsWith(dir.Path + ": no class sub-folders", Assert.Throws<LayerProbeException>(() => new ImageFolderItems(dir.Path)).Message);
    }

    [Fact]
    public void Fingerprint_changes_when_a_file_changes()
    {
        using var dir = new TempDir();
        Save(dir.Combine("cat", "a.png"), 4, 4, new Rgb24(1, 2, 3));
        var before = new ImageFolderItems(dir.Path).Fingerprint;
        Assert.Equal(before, new ImageFolderItems(dir.Path).Fingerprint);
        Save(dir.Combine("cat", "a.png"), 40, 40, new Rgb24(1, 2, 3));
        File.SetLastWriteTimeUtc(dir.Combine("cat", "a.png"), DateTime.UtcNow.AddMinutes(1));
        Assert.NotEqual(before, new ImageFolderItems(dir.Path).Fingerprint);
    }

    [Fact]
    public void Voc_gt_box_items_decode_their_image_and_fingerprint_boxes()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.Combine("ImageSets", "Main"));
        File.WriteAllText(dir.Combine("ImageSets", "Main", "val.txt"), "000001\n");
        Directory.CreateDirectory(dir.Combine("Annotations"));
        File.WriteAllText(dir.Combine("Annotations", "000001.xml"),
            "<annotation><size><width>60</width><height>40</height></size><object><name>dog</name><difficult>1</difficult>" +
            "<bndbox><xmin>5</xmin><ymin>6</ymin><xmax>30</xmax><ymax>35</ymax></bndbox></object></annotation>");
        Save(dir.Combine("JPEGImages", "000001.jpg"), 60, 40, new Rgb24(0, 128, 0));
        var items = new VocGtBoxes(new VocDevkit(dir.Path), "val");
        var (image, region) = items.Load(0);
        Assert.Equal((60, 40), (image.Width, image.Height));
        Assert.Equal(new PixelBox(5, 6, 30, 35), region);
        Assert.Equal(64, items.Fingerprint.Length);
        foreach (var c in VocClasses.Names)
            File.WriteAllText(dir.Combine("ImageSets", "Main", $"{c}_val.txt"), c == "dog" ? "000001  0\n" : "000001 -1\n");
        var whole = new VocWholeImages(new VocDevkit(dir.Path), "val");
        Assert.Equal(0, whole.Labels[0, VocClasses.IndexOf("dog")]); // only a difficult dog
        Assert.NotEqual(items.Fingerprint, whole.Fingerprint);
        Assert.Null(whole.Load(0).Region);
    }
}
