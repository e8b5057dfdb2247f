using LayerProbe.Tests.Data;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Processing;

namespace LayerProbe.Tests.Proposals;

/// <summary>Test image sets made from the labelme-examples VOC photographs (real photos).</summary>
static class ProposalImages
{
    static string Photo(int k) => $"{SelectiveSearchReferenceTests.LabelmeVoc}/JPEGImages/{SelectiveSearchReferenceTests.LabelmeIds[k % 3]}.jpg";

    /// <summary>
    /// A VOC devkit year folder: split "test" = the three photos as they are (ids as in VOC), split "trainval" = small
    /// crops of them (ids 900000…).
    /// </summary>
    public static string Devkit(TempDir tmp, int trainval = 4)
    {
        string root = tmp.Combine("VOC2007");
        Directory.CreateDirectory(Path.Combine(root, "ImageSets", "Main"));
        Directory.CreateDirectory(Path.Combine(root, "JPEGImages"));
        foreach (var id in SelectiveSearchReferenceTests.LabelmeIds)
            File.Copy(Photo(Array.IndexOf(SelectiveSearchReferenceTests.LabelmeIds, id)), Path.Combine(root, "JPEGImages", id + ".jpg"));
        File.WriteAllLines(Path.Combine(root, "ImageSets", "Main", "test.txt"), SelectiveSearchReferenceTests.LabelmeIds);
        var small = Enumerable.Range(0, trainval).Select(i => $"{900000 + i}").ToArray();
        for (int i = 0; i < small.Length; i++) SaveCrop(Photo(i), i, Path.Combine(root, "JPEGImages", small[i] + ".jpg"));
        File.WriteAllLines(Path.Combine(root, "ImageSets", "Main", "trainval.txt"), small);
        return root;
    }

    /// <summary>An images:DIR folder (one class) of <paramref name="count"/> distinct 320×240 crops.</summary>
    public static string Folder(TempDir tmp, int count)
    {
        string dir = tmp.Combine("images", "photos");
        Directory.CreateDirectory(dir);
        for (int i = 0; i < count; i++) SaveCrop(Photo(i), i, Path.Combine(dir, $"{i:D3}.jpg"), 360, 270, 320, 240);
        return tmp.Combine("images");
    }

    /// <summary>Crop number <paramref name="k"/> (a shifted window) of a photo, resized, saved as JPEG.</summary>
    static void SaveCrop(string photo, int k, string path, int cropW = 300, int cropH = 225, int width = 160, int height = 120)
    {
        using var image = Image.Load(photo);
        int x = (k * 37) % (image.Width - cropW), y = (k * 23) % (image.Height - cropH);
        image.Mutate(m => m.Crop(new Rectangle(x, y, cropW, cropH)).Resize(width, height));
        image.SaveAsJpeg(path);
    }
}
