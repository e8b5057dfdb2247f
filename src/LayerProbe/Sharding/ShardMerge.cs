using LayerProbe.Features;

namespace LayerProbe.Sharding;

/// <summary>One store joined from its shards.</summary>
/// <param name="Directory">The whole store.</param>
/// <param name="Shards">How many shard stores it was joined from (0: it was complete already).</param>
public sealed record MergedStore(string Directory, int Shards);

/// <summary>
/// <c>layerprobe merge</c>: joins the shard stores of each key in an output folder into the whole store, named and laid
/// out exactly as an unsharded run's (its store files byte-identical). Every set is checked first
/// (<see cref="ShardSet.CheckJoinable"/>) so that a broken set stops the merge before anything is written; each whole
/// store is then written under its write lock, its files by temporary name and rename and its complete marker last,
/// so an interrupted merge is simply rerun. Feature stores (extract, transform, head-features) and proposals stores
/// each have their own concatenation; the rule for which shards may be joined is the same.
/// </summary>
public static class ShardMerge
{
    /// <summary>Joins every shard set in <paramref name="folder"/>; with <paramref name="removeShards"/> the joined shard stores are deleted.</summary>
    public static IReadOnlyList<MergedStore> Run(string folder, bool removeShards = false, IProgress<string>? progress = null)
    {
        var sets = ShardSet.Find(folder);
        if (sets.Count == 0)
        {
            // A study or command whose stores were whole before its shards ran (a rerun): nothing to join, and the
            // job that follows the merge must still run.
            var whole = Directory.Exists(folder) ? Directory.GetDirectories(folder).Where(d => FeatureStoreFiles.IsComplete(d) || Proposals.ProposalStoreFiles.IsComplete(d)).Order(StringComparer.Ordinal).ToList() : [];
            if (whole.Count == 0) throw LayerProbeException.For(folder, "no shard stores here (folders named STORE.shard-I-of-N)");
            foreach (var directory in whole) progress?.Report($"{Path.GetFileName(directory)}: already whole (no shards)");
            return [.. whole.Select(d => new MergedStore(d, 0))];
        }
        var plan = sets.Select(s => (Set: s, Shards: s.Joined ? [] : s.CheckJoinable())).ToList();
        var merged = new List<MergedStore>();
        foreach (var (set, shards) in plan)
        {
            if (shards.Count > 0)
            {
                using var heldLock = StoreWriteLock.Acquire(set.WholeDirectory, progress is null ? null : progress.Report);
                if (!FeatureStoreFiles.IsComplete(set.WholeDirectory)) Join(set.WholeDirectory, shards);
            }
            merged.Add(new MergedStore(set.WholeDirectory, shards.Count));
            progress?.Report($"{Path.GetFileName(set.WholeDirectory)}: {(shards.Count > 0 ? $"joined from {shards.Count} shards" : "already whole")}");
            if (removeShards)
                foreach (var (_, directory) in set.Members) Directory.Delete(directory, recursive: true);
        }
        return merged;
    }

    static void Join(string whole, IReadOnlyList<string> shards)
    {
        if (File.Exists(Path.Combine(shards[0], FeatureStoreFiles.Matrix))) FeatureStoreConcatenation.Join(whole, shards);
        else if (File.Exists(Path.Combine(shards[0], Proposals.ProposalStoreFiles.Boxes))) Proposals.ProposalStoreConcatenation.Join(whole, shards);
        else throw LayerProbeException.For(shards[0], "neither a feature store nor a proposals store");
    }

    /// <summary>Copies the matrix rows after the 64-byte header of each of <paramref name="files"/> into <paramref name="destination"/>.</summary>
    internal static void CopyRows(Stream destination, IEnumerable<string> files, long rowBytes)
    {
        foreach (var file in files)
        {
            using var source = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
            Span<byte> head = stackalloc byte[FeatureMatrixHeader.Size];
            source.ReadExactly(head);
            var header = FeatureMatrixHeader.Read(head, file);
            if (header.RowBytes != rowBytes) throw LayerProbeException.For(file, $"rows of {header.RowBytes} bytes, shard 0's are {rowBytes}");
            if (source.Length != header.FileLength(header.Rows)) throw LayerProbeException.For(file, $"length does not match its {header.Rows} rows");
            source.CopyTo(destination, 1 << 20);
        }
    }
}
