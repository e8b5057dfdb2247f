using System.Globalization;
using System.Text.RegularExpressions;

namespace LayerProbe.Sharding;

/// <summary>
/// Shard <see cref="Index"/> of <see cref="Count"/> (0-based) of a per-item stage. A shard is a contiguous range of the
/// items, cut at multiples of a unit u (the batch size of stages that run batches through ONNX Runtime, else 1): with
/// b = ⌈n/u⌉ units, shard i of N is units [⌊i·b/N⌋, ⌊(i+1)·b/N⌋), so shard sizes differ by at most one unit and the
/// shards' rows, concatenated in index order, are the unsharded rows in their order. Cutting at whole batches keeps
/// every batch of a shard equal to a batch of the unsharded run: ONNX Runtime's last bits depend on which rows share a
/// batch (mini-CaffeNet pool5 of region items, batch 4, differed when a shard boundary cut a batch), so only then are
/// the stores joined by <see cref="ShardMerge"/> byte-identical to an unsharded run with the same batch size. A shard's
/// store lives beside the whole store, named by the same key plus <see cref="Suffix"/>.
/// </summary>
/// <param name="Index">0-based shard number, below <paramref name="Count"/>.</param>
/// <param name="Count">Number of shards N ≥ 1.</param>
public readonly partial record struct Shard(int Index, int Count)
{
    /// <summary>Parses <c>I/N</c>; anything else (I ≥ N, N &lt; 1, not numbers) is one line naming <paramref name="option"/>.</summary>
    public static Shard Parse(string text, string option = "--shard")
    {
        var parts = text.Split('/');
        if (parts.Length != 2 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int i)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int n))
            throw LayerProbeException.For(option, $"'{text}' is not I/N (0-based shard I of N shards, e.g. 0/4)");
        if (n < 1) throw LayerProbeException.For(option, $"'{text}': the number of shards must be at least 1");
        if (i >= n) throw LayerProbeException.For(option, $"'{text}': shard numbers run from 0 to {n - 1}");
        return new Shard(i, n);
    }

    /// <summary>The first item and the number of items of this shard among <paramref name="items"/>, cut at multiples of <paramref name="unit"/>.</summary>
    public (long First, long Length) Range(long items, int unit = 1)
    {
        if (unit < 1) throw new ArgumentOutOfRangeException(nameof(unit), unit, "the unit must be at least 1");
        long units = (items + unit - 1) / unit;
        long first = Math.Min(items, units * Index / Count * unit), end = Math.Min(items, units * (Index + 1) / Count * unit);
        return (first, end - first);
    }

    /// <summary>What a shard store's folder name adds to the whole store's: <c>.shard-I-of-N</c>.</summary>
    public string Suffix => string.Create(CultureInfo.InvariantCulture, $".shard-{Index}-of-{Count}");

    /// <summary>The folder of this shard's store beside the whole store <paramref name="wholeDirectory"/>.</summary>
    public string Directory(string wholeDirectory) => wholeDirectory.TrimEnd('/') + Suffix;

    /// <summary>The shard a store folder name belongs to, and the whole store's name; null for a whole store.</summary>
    public static (string WholeName, Shard Shard)? OfDirectoryName(string name)
    {
        var m = SuffixPattern().Match(name);
        if (!m.Success || !int.TryParse(m.Groups[2].Value, CultureInfo.InvariantCulture, out int i)
            || !int.TryParse(m.Groups[3].Value, CultureInfo.InvariantCulture, out int n) || n < 1 || i >= n) return null;
        return (m.Groups[1].Value, new Shard(i, n));
    }

    /// <summary><c>I/N</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Index}/{Count}");

    [GeneratedRegex(@"^(.+)\.shard-(\d+)-of-(\d+)$")]
    private static partial Regex SuffixPattern();
}
