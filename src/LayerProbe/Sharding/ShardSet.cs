using LayerProbe.Features;

namespace LayerProbe.Sharding;

/// <summary>
/// The shard stores of one key found in an output folder: every <c>WHOLE.shard-I-of-N</c> folder beside the whole
/// store <see cref="WholeDirectory"/>. <see cref="CheckJoinable"/> is the one rule for "may these be joined": one N,
/// every shard present and complete, one key, and shard records that tile the whole set.
/// </summary>
/// <param name="WholeDirectory">The whole (merged) store's folder.</param>
/// <param name="Members">Shard stores found, ordered by N then index.</param>
public sealed record ShardSet(string WholeDirectory, IReadOnlyList<(Shard Shard, string Directory)> Members)
{
    /// <summary>Shard sets in <paramref name="folder"/>, by whole store name.</summary>
    public static IReadOnlyList<ShardSet> Find(string folder)
    {
        if (!System.IO.Directory.Exists(folder)) throw LayerProbeException.For(folder, "no such folder");
        return System.IO.Directory.GetDirectories(folder)
            .Select(d => (Directory: d, Parsed: Shard.OfDirectoryName(Path.GetFileName(d))))
            .Where(x => x.Parsed is not null)
            .GroupBy(x => x.Parsed!.Value.WholeName, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new ShardSet(Path.Combine(folder, g.Key),
                g.Select(x => (x.Parsed!.Value.Shard, x.Directory)).OrderBy(m => m.Shard.Count).ThenBy(m => m.Shard.Index).ToList()))
            .ToList();
    }

    /// <summary>True when the whole store is already complete.</summary>
    public bool Joined => FeatureStoreFiles.IsComplete(WholeDirectory);

    /// <summary>The shard count of the set (the first found; <see cref="CheckJoinable"/> refuses mixed counts).</summary>
    public int Count => Members[0].Shard.Count;

    /// <summary>Whether shard <paramref name="index"/> of <paramref name="count"/> has a complete store here.</summary>
    public bool IsComplete(int index, int count) =>
        Members.Any(m => m.Shard == new Shard(index, count) && FeatureStoreFiles.IsComplete(m.Directory));

    /// <summary>
    /// The shard stores in index order, once they can be joined; otherwise one line: mixed shard counts, a missing or
    /// incomplete shard, shards of different keys, or records that do not tile the whole set.
    /// </summary>
    public IReadOnlyList<string> CheckJoinable()
    {
        var counts = Members.Select(m => m.Shard.Count).Distinct().ToList();
        if (counts.Count > 1)
            throw LayerProbeException.For(WholeDirectory, $"shard stores of different shard counts ({string.Join(" and ", counts)}) for one key; remove the stale ones");
        int n = counts[0];
        var missing = Enumerable.Range(0, n).Where(i => Members.All(m => m.Shard.Index != i)).ToList();
        if (missing.Count > 0)
            throw LayerProbeException.For(WholeDirectory, $"shard{(missing.Count > 1 ? "s" : "")} {string.Join(", ", missing.Select(i => $"{i}/{n}"))} missing (run them, or `layerprobe slurm resubmit`)");
        var incomplete = Members.Where(m => !FeatureStoreFiles.IsComplete(m.Directory)).ToList();
        if (incomplete.Count > 0)
            throw LayerProbeException.For(incomplete[0].Directory, $"shard {incomplete[0].Shard} is incomplete{(incomplete.Count > 1 ? $" (and {incomplete.Count - 1} more)" : "")}; rerun it to resume");

        string key = KeyOf(Members[0].Directory);
        if (!Path.GetFileName(WholeDirectory).EndsWith("-" + key[..Math.Min(32, key.Length)], StringComparison.Ordinal))
            throw LayerProbeException.For(Members[0].Directory, $"holds key {key[..Math.Min(12, key.Length)]}…, which is not the key its folder is named by");
        long next = 0, total = -1;
        foreach (var (shard, directory) in Members)
        {
            if (KeyOf(directory) != key)
                throw LayerProbeException.For(directory, $"shard {shard} holds another key than shard 0/{n} ({KeyOf(directory)[..12]}… vs {key[..12]}…)");
            var record = ShardRecord.Read(directory);
            if (record.Shard != shard) throw LayerProbeException.For(directory, $"its record says shard {record.Shard}, its folder {shard}");
            if (total >= 0 && record.Total != total) throw LayerProbeException.For(directory, $"shard of a {record.Total}-item set, shard 0/{n} of a {total}-item set");
            if (record.First != next) throw LayerProbeException.For(directory, $"shard {shard} starts at item {record.First}, the shards before it end at {next}");
            total = record.Total;
            next += record.Items;
        }
        if (next != total) throw LayerProbeException.For(WholeDirectory, $"the shards hold {next} of {total} items");
        return Members.Select(m => m.Directory).ToList();
    }

    /// <summary>The key a complete store's marker holds (its first line).</summary>
    static string KeyOf(string directory) =>
        File.ReadLines(Path.Combine(directory, FeatureStoreFiles.Complete)).FirstOrDefault()?.Trim() is { Length: > 0 } key
            ? key : throw LayerProbeException.For(directory, "complete marker without a key");
}
