using LayerProbe.Data;
using LayerProbe.Features;
using LayerProbe.Networks;
using LayerProbe.Regions;
using LayerProbe.Tests.Data;

namespace LayerProbe.Tests.Regions;

/// <summary>
/// <c>max-proposals=N</c>: each image keeps its first N proposals in the store's rank order, every GT row stays, and the
/// cap is part of the regions' fingerprint (stores of capped and uncapped regions never mix).
/// </summary>
public class ProposalCapTests
{
    [Fact]
    public void A_cap_keeps_the_first_n_proposals_of_each_image_and_every_gt_row_and_changes_the_fingerprint()
    {
        using var tmp = new TempDir();
        string root = RegionDevkit.Write(tmp);
        var boxes = RegionDevkit.ManyBoxes(3, 12, seed: 4);
        boxes[1] = boxes[1][..5]; // an image with fewer proposals than the cap keeps them all
        string store = RegionDevkit.Store(tmp, root, boxes: boxes);
        var devkit = new VocDevkit(root);
        using var all = new VocRegions(devkit, "test", store);
        using var capped = new VocRegions(devkit, "test", store, maxProposals: 7);
        using var capped6 = new VocRegions(devkit, "test", store, maxProposals: 6);
        using var large = new VocRegions(devkit, "test", store, maxProposals: 100);

        for (int i = 0; i < all.Images; i++)
        {
            int gt = all.Annotation(i).Objects.Count;
            int expected = Math.Min(7, boxes[i].Length);
            Assert.Equal(gt + expected, capped.FirstItem(i + 1) - capped.FirstItem(i));
            Assert.Equal(all.Proposals(i)[..expected], capped.Proposals(i));
            for (int row = 0; row < gt + expected; row++)
            {
                // the same item id and box as the uncapped regions: GT rows first, then the first proposals in rank order
                Assert.Equal(all.Id(all.FirstItem(i) + row), capped.Id(capped.FirstItem(i) + row));
                Assert.Equal(all.Load(all.FirstItem(i) + row).Region, capped.Load(capped.FirstItem(i) + row).Region);
            }
            for (int g = 0; g < gt; g++) Assert.Equal(all.Annotation(i).Objects[g].Box, capped.Load(capped.FirstItem(i) + g).Region);
        }
        Assert.Equal(7 + 5 + 7, capped.Count - Enumerable.Range(0, 3).Sum(i => all.Annotation(i).Objects.Count));
        Assert.Equal(7, capped.MaxProposals);

        // The cap is in the fingerprint, even where it changes no row count (100 > every image's proposals).
        string[] prints = [all.Fingerprint, capped.Fingerprint, capped6.Fingerprint, large.Fingerprint];
        Assert.Equal(prints.Length, prints.Distinct().Count());
        Assert.Equal(all.Count, large.Count);
        Assert.NotEqual(RegionTable.FileName(all.Fingerprint), RegionTable.FileName(capped.Fingerprint));
    }

    [Fact]
    public void The_data_spec_carries_the_cap_and_the_context_and_refuses_them_where_they_do_not_apply()
    {
        using var tmp = new TempDir();
        string root = RegionDevkit.Write(tmp), store = RegionDevkit.Store(tmp, root);
        var network = OnnxNetwork.Load("resnet18-imagenet").WithInput(64, 64);
        var (items, warp) = ItemSetSources.Create($"voc2007:{root}:test:proposals:{store}:max-proposals=1:context=4", network);
        using (var regions = Assert.IsType<VocRegions>(items))
        {
            Assert.Equal(1, regions.MaxProposals);
            Assert.Equal((3 + 1) + (1 + 1) + (1 + 0), regions.Count); // GT 3/1/1, proposals 3→1, 2→1, 0
        }
        var (_, rcnn) = ItemSetSources.Create($"voc2007:{root}:test:proposals:{store}", network);
        (rcnn as IDisposable)?.Dispose();
        Assert.NotEqual(rcnn.Description, warp.Description); // 4 pixels of context instead of R-CNN's 16
        using (var byName = ItemSetSources.RegionItems($"voc2007:{root}:test:proposals:{store}:max-proposals=2", "--test"))
            Assert.Equal(2, byName.MaxProposals);

        var e = Assert.Throws<LayerProbeException>(() => ItemSetSources.Create("fashion-mnist:test:per-class=2:max-proposals=3", network));
        Assert.Contains("max-proposals= applies to region items", e.Message);
        e = Assert.Throws<LayerProbeException>(() => ItemSetSources.Create($"voc2007:{root}:test:max-proposals=3", network));
        Assert.Contains("max-proposals= applies to region items", e.Message);
        e = Assert.Throws<LayerProbeException>(() => ItemSetSources.Create("fashion-mnist:test:per-class=2:context=3", network));
        Assert.Contains("context= applies to box and region items", e.Message);
        e = Assert.Throws<LayerProbeException>(() => ItemSetSources.Create($"voc2007:{root}:test:proposals:{store}:max-proposals=0", network));
        Assert.Contains("max-proposals=0 is not a positive integer", e.Message);
    }
}
