using LayerProbe.Data;
using LayerProbe.Features;
using LayerProbe.Features.Transforms;
using LayerProbe.Proposals;
using LayerProbe.Regions;
using LayerProbe.Sharding;
using LayerProbe.Tests.Data;
using LayerProbe.Tests.Proposals;
using LayerProbe.Tests.References;
using LayerProbe.Tests.Regions;

namespace LayerProbe.Tests.Sharding;

/// <summary>
/// The other sharded stages through the library: region items, head-features and a transform (feature stores) and
/// selective-search proposals (proposals stores), each in 3 shards merged and compared byte for byte with one
/// unsharded run.
/// </summary>
public class ShardedStagesTests
{
    const int N = 3;

    static void AssertSameStoreFiles(string whole, string merged, params string[] files)
    {
        Assert.True(FeatureStoreFiles.IsComplete(merged), $"{merged} is not complete");
        foreach (var f in files)
            Assert.True(File.ReadAllBytes(Path.Combine(whole, f)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(merged, f))), $"{f} of the merged store differs from the unsharded one");
    }

    static string Merged(string folder, string wholeDirectory)
    {
        var merged = ShardMerge.Run(folder);
        string directory = Path.Combine(folder, Path.GetFileName(wholeDirectory));
        Assert.Contains(merged, m => m.Directory == directory && m.Shards == N);
        return directory;
    }

    [NeedsFact(ExternalReferences.LabelmeVoc)]
    public void Region_items_head_features_and_a_transform_merged_from_shards_equal_the_unsharded_stores()
    {
        using var tmp = new TempDir();
        string root = RegionDevkit.Write(tmp), store = RegionDevkit.Store(tmp, root, boxes: RegionDevkit.ManyBoxes(3, 7));
        var network = MiniCaffeNet.Load(tmp);
        var (regions, warp) = ItemSetSources.Create($"voc2007:{root}:test:proposals:{store}", network);
        using var owned = (IDisposable)regions;
        string[] files = [FeatureStoreFiles.Matrix, FeatureStoreFiles.Ids];

        var whole = FeatureExtractor.Run(network, regions, warp, ["pool5"], tmp.Combine("whole"), new ExtractionOptions { BatchSize = 4 }).Stores[0].Directory;
        for (int i = 0; i < N; i++)
            FeatureExtractor.Run(network, regions, warp, ["pool5"], tmp.Combine("sharded"), new ExtractionOptions { BatchSize = 4, Shard = new Shard(i, N) });
        AssertSameStoreFiles(whole, Merged(tmp.Combine("sharded"), whole), files);

        var head = HeadFeatures.Run(network, whole, "fc6", tmp.Combine("head"), new ExtractionOptions { BatchSize = 5 }).Directory;
        for (int i = 0; i < N; i++)
            HeadFeatures.Run(network, whole, "fc6", tmp.Combine("head-sharded"), new ExtractionOptions { BatchSize = 5, Shard = new Shard(i, N) });
        AssertSameStoreFiles(head, Merged(tmp.Combine("head-sharded"), head), files);

        var shuffle = FeatureTransforms.Create("sp-shuffle", 11);
        string transformed = TransformedStore.Write(whole, shuffle, tmp.Combine("transform"));
        for (int i = 0; i < N; i++) TransformedStore.Write(whole, shuffle, tmp.Combine("transform-sharded"), shard: new Shard(i, N));
        AssertSameStoreFiles(transformed, Merged(tmp.Combine("transform-sharded"), transformed), files);
    }

    [NeedsFact(ExternalReferences.LabelmeVoc, "/usr/lib/x86_64-linux-gnu/libgtk-3.so.0")]
    public void Proposal_shards_merged_equal_the_unsharded_store()
    {
        using var tmp = new TempDir();
        var images = ImageFileSet.FromSpec($"images:{ProposalImages.Folder(tmp, 5)}");
        var whole = ProposalRun.Compute(images, SelectiveSearchSettings.Fast, tmp.Combine("whole"), 2).Directory;
        for (int i = 0; i < N; i++)
        {
            var part = ProposalRun.Compute(images, SelectiveSearchSettings.Fast, tmp.Combine("sharded"), 2, shard: new Shard(i, N));
            Assert.EndsWith($".shard-{i}-of-{N}", part.Directory);
        }
        string merged = Merged(tmp.Combine("sharded"), whole);
        AssertSameStoreFiles(whole, merged, ProposalStoreFiles.Boxes, ProposalStoreFiles.Images);
        using var store = ProposalStore.Open(merged);
        Assert.Equal(images.Ids, store.Images.Select(i => i.Id));
    }
}
