using LayerProbe.Data;
using LayerProbe.Features;
using LayerProbe.Networks;
using LayerProbe.Regions;
using LayerProbe.Tests.Data;

namespace LayerProbe.Tests.Regions;

public class RegionItemsTests
{
    static int Class(string name) => VocClasses.IndexOf(name);

    [Fact]
    public void Rows_are_gt_objects_then_proposals_with_hand_worked_overlaps()
    {
        using var tmp = new TempDir();
        string root = RegionDevkit.Write(tmp), store = RegionDevkit.Store(tmp, root);
        using var regions = new VocRegions(new VocDevkit(root), "test", store);

        // 3 GT + 3 proposals, 1 GT + 2 proposals, 1 GT + 0 proposals.
        Assert.Equal(10, regions.Count);
        Assert.Equal(["2011_000003/0", "2011_000003/1", "2011_000003/2", "2011_000003/3", "2011_000003/4", "2011_000003/5",
            "2011_000006/0", "2011_000006/1", "2011_000006/2", "2011_000025/0"], Enumerable.Range(0, 10).Select(regions.Id));
        Assert.Equal(new PixelBox(301, 51, 400, 150), regions.Load(2).Region); // the difficult cat is a GT row too
        Assert.Equal(new PixelBox(151, 101, 250, 200), regions.Load(4).Region);
        Assert.Equal(new PixelBox(1, 1, 500, 375), regions.Load(8).Region);
        Assert.Equal(new PixelBox(201, 101, 300, 300), regions.Load(9).Region);

        string path = RegionTable.WriteBeside(regions, tmp.Combine("out"));
        var (header, v) = RegionTable.Read(path);
        int cols = (int)header.Cols;
        Assert.Equal(6 + 20, cols);
        Assert.Equal(10, header.Rows);
        float At(int row, int col) => v[row * cols + col];
        float Overlap(int row, string cls) => At(row, RegionTable.OverlapColumn + Class(cls));

        Assert.Equal([1, 1, 1, 0, 0, 0, 1, 0, 0, 1], Enumerable.Range(0, 10).Select(r => At(r, RegionTable.GtColumn)));
        Assert.Equal([Class("person"), Class("dog"), Class("cat"), -1, -1, -1, Class("car"), -1, -1, Class("person")],
            Enumerable.Range(0, 10).Select(r => (int)At(r, RegionTable.ClassColumn)));
        Assert.Equal([151f, 101f, 250f, 200f], Enumerable.Range(RegionTable.BoxColumn, 4).Select(c => At(4, c)));
        // Worked by hand with the +1 convention: two 100×100 boxes sharing 50×50 → 2500 / 17500 = 1/7; sharing 50×100 → 1/3.
        Assert.Equal(1f, Overlap(0, "person"));
        Assert.Equal(1f / 7, Overlap(0, "dog"), 6);
        Assert.Equal(1f, Overlap(2, "cat"));
        Assert.Equal(1f, Overlap(3, "person"));
        Assert.Equal(1f / 7, Overlap(3, "dog"), 6);
        Assert.Equal(1f / 3, Overlap(4, "person"), 6);
        Assert.Equal(1f / 3, Overlap(4, "dog"), 6);
        Assert.Equal(0f, Overlap(5, "person")); // touches the person box's corner only: 0 pixels in common
        Assert.Equal(1f / 7, Overlap(5, "dog"), 6);
        Assert.Equal(0f, Overlap(5, "cat"));
        Assert.Equal(300f * 200 / (500 * 375), Overlap(8, "car"), 6);
        Assert.Equal(0f, Overlap(8, "person")); // no person in that image
    }

    [Fact]
    public void Region_spec_warps_like_gt_boxes_and_extracts_a_row_per_region()
    {
        using var tmp = new TempDir();
        string root = RegionDevkit.Write(tmp), store = RegionDevkit.Store(tmp, root);
        var network = MiniCaffeNet.Load(tmp);
        var (regions, warp) = ItemSetSources.Create($"voc2007:{root}:test:proposals:{store}", network);
        var (gt, gtWarp) = ItemSetSources.Create($"voc2007:{root}:test:gt-boxes", network);
        using var owned = (IDisposable)regions;
        Assert.Equal(gtWarp.Description, warp.Description); // the same R-CNN warp with 16 pixels of context

        var a = regions.Load(0);
        var b = gt.Load(0);
        float[] x = new float[warp.Channels * warp.Height * warp.Width], y = new float[x.Length];
        warp.Fill(a.Image, a.Region, x);
        gtWarp.Fill(b.Image, b.Region, y);
        Assert.Equal(y, x);

        var result = FeatureExtractor.Run(network, regions, warp, ["pool5"], tmp.Combine("features"), new ExtractionOptions { BatchSize = 4 });
        using var m = FeatureMatrix.Open(result.Stores[0].Directory);
        Assert.Equal(regions.Count, m.RowCount);
        Assert.Equal(Enumerable.Range(0, regions.Count).Select(regions.Id), m.Ids);
    }

    [Fact]
    public void A_store_for_another_split_is_one_line_naming_it()
    {
        using var tmp = new TempDir();
        string root = RegionDevkit.Write(tmp), store = RegionDevkit.Store(tmp, root, "other");
        var e = Assert.Throws<LayerProbeException>(() => new VocRegions(new VocDevkit(root), "test", store));
        Assert.Contains("images.tsv", e.Message);
        Assert.Contains("2011_000025", e.Message);
        Assert.Contains("another split", e.Message);
    }
}
