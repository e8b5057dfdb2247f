using System.Globalization;

namespace LayerProbe.Sharding;

/// <summary>
/// What a shard store holds of the whole: <c>shard.txt</c> in the store folder, written (atomically) before its
/// complete marker — shard I/N, its first item and item count, and the whole set's item count. <see cref="ShardMerge"/>
/// checks that the records of a set tile the whole set before joining them.
/// </summary>
/// <param name="Shard">Which shard.</param>
/// <param name="First">Index of the first item in the whole set.</param>
/// <param name="Items">Items of this shard.</param>
/// <param name="Total">Items of the whole set.</param>
public readonly record struct ShardRecord(Shard Shard, long First, long Items, long Total)
{
    /// <summary>File name inside a shard store.</summary>
    public const string FileName = "shard.txt";

    /// <summary>The record of <paramref name="shard"/> over <paramref name="total"/> items cut at multiples of <paramref name="unit"/> (<see cref="Shard.Range"/>).</summary>
    public static ShardRecord Of(Shard shard, long total, int unit = 1)
    {
        var (first, items) = shard.Range(total, unit);
        return new ShardRecord(shard, first, items, total);
    }

    /// <summary>Writes the record into the store folder <paramref name="directory"/>.</summary>
    public void Write(string directory) => AtomicFile.WriteText(Path.Combine(directory, FileName),
        string.Create(CultureInfo.InvariantCulture, $"shard {Shard}\nfirst {First}\nitems {Items}\ntotal {Total}\n"));

    /// <summary>Reads the record of the store in <paramref name="directory"/>; a missing or malformed one is one line.</summary>
    public static ShardRecord Read(string directory)
    {
        string path = Path.Combine(directory, FileName);
        if (!File.Exists(path)) throw LayerProbeException.For(directory, $"shard store without {FileName}");
        var fields = new Dictionary<string, string>();
        foreach (var line in File.ReadAllLines(path))
            if (line.Split(' ', 2) is [var name, var value]) fields[name] = value;
        try
        {
            return new ShardRecord(Shard.Parse(fields["shard"], path), long.Parse(fields["first"], CultureInfo.InvariantCulture),
                long.Parse(fields["items"], CultureInfo.InvariantCulture), long.Parse(fields["total"], CultureInfo.InvariantCulture));
        }
        catch (Exception e) when (e is KeyNotFoundException or FormatException or OverflowException)
        { throw LayerProbeException.For(path, "malformed shard record (expected shard, first, items, total)", e); }
    }
}
