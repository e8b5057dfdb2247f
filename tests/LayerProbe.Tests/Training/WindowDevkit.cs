using LayerProbe.Data;
using LayerProbe.Proposals;
using LayerProbe.Tests.Data;
using LayerProbe.Training;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace LayerProbe.Tests.Training;

/// <summary>
/// A three-image VOC devkit (64×48 noise JPEGs) with a proposals CSV (imported into a store for training) whose windows are worked out by hand:
/// under the R-CNN rule 5 foreground (3 GT, one IoU 0.5, one copy of a GT box) and 5 background windows; under the
/// GT rule 4 foreground, 5 background, the IoU-0.5 window ignored. Image 000003's person touches the left edge.
/// </summary>
sealed class WindowDevkit : IDisposable
{
    public TempDir Dir { get; } = new();
    public string Proposals => Dir.Combine("proposals.csv");
    public VocDevkit Devkit => new(Dir.Path);

    public WindowDevkit()
    {
        Directory.CreateDirectory(Dir.Combine("ImageSets", "Main"));
        Directory.CreateDirectory(Dir.Combine("Annotations"));
        Directory.CreateDirectory(Dir.Combine("JPEGImages"));
        File.WriteAllText(Dir.Combine("ImageSets", "Main", "trainval.txt"), "000001\n000002\n000003\n");
        Annotation("000001", "dog", 0, "5 6 30 35");
        Annotation("000002", "cat", 1, "20 10 50 40");
        Annotation("000003", "person", 0, "1 1 20 30");
        var random = new Random(11);
        foreach (var id in new[] { "000001", "000002", "000003" })
        {
            using var image = new Image<Rgb24>(64, 48);
            for (int y = 0; y < 48; y++)
                for (int x = 0; x < 64; x++)
                    image[x, y] = new Rgb24((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256));
            image.Save(Dir.Combine("JPEGImages", id + ".jpg"));
        }
        File.WriteAllText(Proposals, "image_id,x1,y1,x2,y2\n" +
            "000001,5,6,30,20\n000001,40,1,64,48\n000001,1,1,64,48\n" +
            "000002,20,10,50,40\n000002,1,1,15,15\n" +
            "\n000003,30,30,60,45\n000003,0,-3,70,20\n");
    }

    void Annotation(string id, string name, int difficult, string box)
    {
        var c = box.Split(' ');
        File.WriteAllText(Dir.Combine("Annotations", id + ".xml"),
            $"<annotation><size><width>64</width><height>48</height><depth>3</depth></size><object><name>{name}</name>" +
            $"<difficult>{difficult}</difficult><bndbox><xmin>{c[0]}</xmin><ymin>{c[1]}</ymin><xmax>{c[2]}</xmax><ymax>{c[3]}</ymax></bndbox></object></annotation>");
    }

    public static CaffePreprocessor Warp(int size, int padding) =>
        new(MeanImage.FromPixel(104, 117, 123, size), size, padding);

    /// <summary>The proposals CSV imported into a proposals store (what <c>train</c> reads); its folder.</summary>
    public string Store() => ProposalImport.Import(ImageFileSet.FromSpec($"voc2007:{Dir.Path}:trainval"), Proposals, Dir.Combine("proposals")).Directory;

    public VocWindows Windows(WindowRule rule, int size = 32, int padding = 4) =>
        VocWindows.FromStore(Devkit, "trainval", Store(), rule, Warp(size, padding));

    public void Dispose() => Dir.Dispose();
}
