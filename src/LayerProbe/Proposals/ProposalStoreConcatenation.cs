namespace LayerProbe.Proposals;

/// <summary>
/// Joins the shard stores of one proposals store (<see cref="Sharding.ShardMerge"/>): the images of every shard in shard
/// order, their boxes read from each shard's map and written by the one <see cref="ProposalStoreWriter"/>, so the row
/// offsets in <c>images.tsv</c> and the box matrix are those an unsharded run writes.
/// </summary>
static class ProposalStoreConcatenation
{
    public static void Join(string whole, IReadOnlyList<string> shards)
    {
        var stores = new List<ProposalStore>();
        try
        {
            foreach (var s in shards) stores.Add(ProposalStore.Open(s));
            var images = stores.SelectMany((s, k) => s.Images.Select((im, i) => (Store: k, Image: i, Entry: new ProposalStoreWriter.Entry(im.Id, im.Width, im.Height, im.Sha256, im.Rows)))).ToList();
            var manifest = ProposalManifest.Read(Path.Combine(shards[0], ProposalStoreFiles.Manifest)) with { Created = DateTime.UtcNow.ToString("O") };
            ProposalStoreWriter.Write(whole, images.Select(x => x.Entry).ToList(), i => stores[images[i].Store].Boxes(images[i].Image), manifest);
        }
        finally
        {
            foreach (var s in stores) s.Dispose();
        }
    }
}
