namespace LayerProbe.Sharding;

/// <summary>
/// Which shards of an N-way run into one output folder are done, read from the stores alone: shard i is complete when
/// every store of the run has a complete <c>.shard-i-of-N</c> store (or is already whole), started when some store of
/// it exists, missing otherwise. The run's stores are those any of its shards has begun, so a shard that never started
/// is missing as long as another shard has started; when none has, every shard is missing.
/// </summary>
/// <param name="Count">N.</param>
/// <param name="Complete">Complete shards.</param>
/// <param name="Started">Shards begun but not complete (an interrupted or running task).</param>
/// <param name="Missing">Shards with no store at all.</param>
/// <param name="Stores">Whole stores of the run found (one per layer, transform or proposals key).</param>
/// <param name="Merged">True when every one of those is whole (joined, or made by an unsharded run).</param>
public sealed record ShardProgress(int Count, IReadOnlyList<int> Complete, IReadOnlyList<int> Started, IReadOnlyList<int> Missing, int Stores, bool Merged)
{
    /// <summary>Progress of the <paramref name="count"/>-way run into <paramref name="folder"/> (a folder not yet made: nothing started).</summary>
    public static ShardProgress Of(string folder, int count)
    {
        var sets = Directory.Exists(folder) ? ShardSet.Find(folder).Where(s => s.Members.Any(m => m.Shard.Count == count)).ToList() : [];
        List<int> complete = [], started = [], missing = [];
        for (int i = 0; i < count; i++)
        {
            if (sets.Count > 0 && sets.All(s => s.Joined || s.IsComplete(i, count))) complete.Add(i);
            else if (sets.Any(s => s.Members.Any(m => m.Shard == new Shard(i, count)))) started.Add(i);
            else missing.Add(i);
        }
        return new ShardProgress(count, complete, started, missing, sets.Count, sets.Count > 0 && sets.All(s => s.Joined));
    }

    /// <summary>Shards still to run (started or missing).</summary>
    public IReadOnlyList<int> Unfinished => [.. Started.Concat(Missing).Order()];
}
