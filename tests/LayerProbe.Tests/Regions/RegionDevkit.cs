using System.Globalization;
using LayerProbe.Proposals;
using LayerProbe.Tests.Data;

namespace LayerProbe.Tests.Regions;

/// <summary>
/// A VOC devkit of the three labelme-examples photographs (real photos) with hand-written annotations whose boxes make
/// the IoUs easy to work by hand, and a proposals store imported from a CSV the test writes.
/// </summary>
static class RegionDevkit
{
    public const string Labelme = "/usr/share/doc/labelme-examples/examples/bbox_detection/data_dataset_voc";
    public static readonly string[] Ids = ["2011_000003", "2011_000006", "2011_000025"];
    static readonly (int W, int H)[] Sizes = [(500, 338), (500, 375), (500, 375)];

    /// <summary>GT per image: (class, difficult, x1 y1 x2 y2).</summary>
    public static readonly (string Class, bool Difficult, int[] Box)[][] Objects =
    [
        [("person", false, [101, 101, 200, 200]), ("dog", false, [151, 151, 250, 250]), ("cat", true, [301, 51, 400, 150])],
        [("car", false, [11, 21, 310, 220])],
        [("person", false, [201, 101, 300, 300])],
    ];

    /// <summary>Proposals per image, rank order (image 3 has none).</summary>
    public static readonly int[][][] Proposals =
    [
        [[101, 101, 200, 200], [151, 101, 250, 200], [201, 201, 300, 300]],
        [[11, 21, 310, 220], [1, 1, 500, 375]],
        [],
    ];

    public static string Write(TempDir tmp)
    {
        string root = tmp.Combine("VOC2007");
        Directory.CreateDirectory(Path.Combine(root, "ImageSets", "Main"));
        Directory.CreateDirectory(Path.Combine(root, "JPEGImages"));
        Directory.CreateDirectory(Path.Combine(root, "Annotations"));
        for (int i = 0; i < Ids.Length; i++)
        {
            File.Copy($"{Labelme}/JPEGImages/{Ids[i]}.jpg", Path.Combine(root, "JPEGImages", Ids[i] + ".jpg"));
            var objects = string.Concat(Objects[i].Select(o => $"""
                <object><name>{o.Class}</name><pose>Unspecified</pose><truncated>0</truncated><difficult>{(o.Difficult ? 1 : 0)}</difficult>
                <bndbox><xmin>{o.Box[0]}</xmin><ymin>{o.Box[1]}</ymin><xmax>{o.Box[2]}</xmax><ymax>{o.Box[3]}</ymax></bndbox></object>
                """));
            File.WriteAllText(Path.Combine(root, "Annotations", Ids[i] + ".xml"),
                $"<annotation><filename>{Ids[i]}.jpg</filename><size><width>{Sizes[i].W}</width><height>{Sizes[i].H}</height><depth>3</depth></size>{objects}</annotation>");
        }
        File.WriteAllLines(Path.Combine(root, "ImageSets", "Main", "test.txt"), Ids);
        File.WriteAllLines(Path.Combine(root, "ImageSets", "Main", "other.txt"), Ids[..2]);
        return root;
    }

    /// <summary>Imports <paramref name="boxes"/> (per image of <paramref name="split"/>, rank order) as a proposals store.</summary>
    public static string Store(TempDir tmp, string root, string split = "test", int[][][]? boxes = null, string name = "proposals")
    {
        boxes ??= Proposals;
        var ids = File.ReadAllLines(Path.Combine(root, "ImageSets", "Main", split + ".txt"));
        string csv = tmp.Combine($"{name}-{split}.csv");
        File.WriteAllLines(csv, ids.SelectMany((id, i) => boxes[i].Select(b => string.Create(CultureInfo.InvariantCulture, $"{id},{b[0]},{b[1]},{b[2]},{b[3]}"))));
        return ProposalImport.Import(ImageFileSet.FromSpec($"voc2007:{root}:{split}"), csv, tmp.Combine(name)).Directory;
    }

    /// <summary><paramref name="perImage"/> pseudo-random boxes per image (for volume: resume tests, benchmarks).</summary>
    public static int[][][] ManyBoxes(int images, int perImage, int seed = 1)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, images).Select(_ => Enumerable.Range(0, perImage).Select(_ =>
        {
            int x1 = random.Next(1, 400), y1 = random.Next(1, 300);
            return new[] { x1, y1, x1 + random.Next(20, 100), y1 + random.Next(20, 70) };
        }).ToArray()).ToArray();
    }
}
