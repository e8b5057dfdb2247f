namespace LayerProbe.Features.Transforms;

/// <summary>
/// Writes a transform's output as a feature store of its own — worthwhile when many solvers or runs read the same
/// transformed rows (e.g. sp-max: 36× fewer values than pool5), otherwise <see cref="TransformedFeatureRows"/> streams.
/// The store is content-addressed like extracted ones: its key is the source key's fields with the layer value extended
/// by the transform settings, so a changed source, transform or seed gives a new directory. Rows are transformed in
/// parallel in chunks and committed chunk by chunk under the store's lock; an interrupted write resumes; a complete store
/// is reused as is.
/// </summary>
public static class TransformedStore
{
    /// <summary>Rows per committed chunk.</summary>
    public const int ChunkRows = 512;

    /// <summary>
    /// Transforms the complete store in <paramref name="sourceDirectory"/> with <paramref name="transform"/> into a new
    /// store under <paramref name="outputRoot"/>; returns its directory. With <paramref name="shard"/> only that shard of
    /// the rows is transformed, into the shard store beside the whole one (<see cref="Sharding.ShardMerge"/> joins them).
    /// </summary>
    public static string Write(string sourceDirectory, IFeatureTransform transform, string outputRoot, Progress? progress = null,
        Sharding.Shard? shard = null)
    {
        var manifestPath = Path.Combine(sourceDirectory, FeatureStoreFiles.Manifest);
        if (!File.Exists(manifestPath)) throw LayerProbeException.For(sourceDirectory, "not a feature store (no manifest.json)");
        var source = FeatureManifest.Read(manifestPath);
        using var matrix = FeatureMatrix.Open(sourceDirectory);
        var shape = new FeatureShape(matrix.Header.Channels, matrix.Header.Height, matrix.Header.Width);
        var rows = FeatureTransforms.Apply(new StoredFeatureRows(matrix), shape, source.LayerAlias, transform.Name, transform.Settings.Seed ?? FeatureTransforms.DefaultSeed);
        int outDims = rows.Dimensions;
        int[] outShape = outDims == shape.Dimensions ? [shape.Channels, shape.Height, shape.Width] : [outDims, 1, 1];
        string settings = transform.Settings.Seed is { } seed ? $"{transform.Name}(seed={seed})" : transform.Name;
        var key = new FeatureStoreKey(source.ModelSha256, source.DataFingerprint, source.Preprocessing, $"{source.LayerValue}|{settings}", matrix.Header.DType);
        string alias = $"{source.LayerAlias}+{transform.Name}";
        string directory = Path.Combine(outputRoot, key.DirectoryName(alias));
        if (FeatureStoreFiles.IsComplete(directory)) return directory;
        var record = shard is { } s ? Sharding.ShardRecord.Of(s, matrix.RowCount) : new Sharding.ShardRecord(new Sharding.Shard(0, 1), 0, matrix.RowCount, matrix.RowCount);
        if (shard is { } part)
        {
            directory = part.Directory(directory);
            if (FeatureStoreFiles.IsComplete(directory)) return directory;
        }
        Analyses.StoredFeatureChecks.AllFinite(new StoredFeatureRows(matrix), sourceDirectory); // binarize would turn NaN into 0

        var header = FeatureMatrixHeader.ForShape(matrix.Header.DType, record.Items, outShape);
        var manifest = source with
        {
            LayerAlias = alias,
            LayerValue = $"{source.LayerValue}|{settings}",
            Shape = outShape,
            Key = key.Hash,
            ToolVersion = Reports.Manifest.ToolVersion,
            Created = DateTime.UtcNow.ToString("o"),
            Rows = 0,
            Complete = false,
        };
        using var heldLock = StoreWriteLock.Acquire(directory);
        if (FeatureStoreFiles.IsComplete(directory)) return directory; // finished by the writer we waited for
        using var writer = FeatureStoreWriter.OpenOrCreate(directory, header, manifest, heldLock);
        var buffer = new float[(long)ChunkRows * outDims];
        long end = record.First + record.Items;
        for (long first = record.First + writer.CommittedRows; first < end; first += ChunkRows)
        {
            int n = (int)Math.Min(ChunkRows, end - first);
            Parallel.For(0, n, r => rows.Row((int)first + r).CopyTo(buffer.AsSpan(r * outDims, outDims)));
            writer.Append(buffer.AsSpan(0, n * outDims), Enumerable.Range((int)first, n).Select(i => matrix.Ids[i]).ToArray());
            writer.Commit();
            progress?.Report(first + n - record.First);
        }
        if (shard is not null) record.Write(directory);
        writer.Complete();
        return directory;
    }
}
