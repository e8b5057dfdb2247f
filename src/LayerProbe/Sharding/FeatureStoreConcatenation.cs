using LayerProbe.Features;

namespace LayerProbe.Sharding;

/// <summary>
/// Joins the shard stores of one feature store (extract, transform, head-features): the matrix is the first shard's
/// header with the total row count, then every shard's rows in shard order; <c>ids.txt</c> the shards' id files one
/// after the other; then the commit record, the manifest (the first shard's, now whole) and the complete marker.
/// </summary>
static class FeatureStoreConcatenation
{
    public static void Join(string whole, IReadOnlyList<string> shards)
    {
        var matrices = shards.Select(s => Path.Combine(s, FeatureStoreFiles.Matrix)).ToList();
        var headers = matrices.Select(ReadHeader).ToList();
        var first = headers[0];
        for (int i = 1; i < headers.Count; i++)
            if (headers[i] with { Rows = first.Rows } != first)
                throw LayerProbeException.For(matrices[i], $"shape or dtype differs from shard 0's ({headers[i].DType.Name()} {headers[i].Cols} vs {first.DType.Name()} {first.Cols} columns)");
        var header = first with { Rows = headers.Sum(h => h.Rows) };
        Directory.CreateDirectory(whole);
        AtomicFile.Write(Path.Combine(whole, FeatureStoreFiles.Matrix), stream =>
        {
            var head = new byte[FeatureMatrixHeader.Size];
            header.Write(head);
            stream.Write(head);
            ShardMerge.CopyRows(stream, matrices, header.RowBytes);
        });
        long idBytes = 0;
        AtomicFile.Write(Path.Combine(whole, FeatureStoreFiles.Ids), stream =>
        {
            foreach (var shard in shards)
            {
                using var ids = File.OpenRead(Path.Combine(shard, FeatureStoreFiles.Ids));
                ids.CopyTo(stream);
            }
            idBytes = stream.Position;
        });
        new CommitRecord(header.Rows, idBytes).Write(Path.Combine(whole, FeatureStoreFiles.Commit));
        var manifest = FeatureManifest.Read(Path.Combine(shards[0], FeatureStoreFiles.Manifest));
        AtomicFile.WriteText(Path.Combine(whole, FeatureStoreFiles.Manifest),
            (manifest with { Rows = header.Rows, Complete = true, Created = DateTime.UtcNow.ToString("O") }).ToJson());
        AtomicFile.WriteText(Path.Combine(whole, FeatureStoreFiles.Complete), $"{manifest.Key}\n");
    }

    static FeatureMatrixHeader ReadHeader(string path)
    {
        Span<byte> head = stackalloc byte[FeatureMatrixHeader.Size];
        using (var s = File.OpenRead(path)) s.ReadExactly(head);
        return FeatureMatrixHeader.Read(head, path);
    }
}
