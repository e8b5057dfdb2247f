using LayerProbe.Data;

namespace LayerProbe.Sharding;

/// <summary>
/// The items of one <see cref="Shard"/> of a set: a contiguous range, with the ids and images of the whole set. The
/// fingerprint is the whole set's — a shard store is keyed by the whole store's key plus the shard, never by its own
/// slice — so every shard of one run shares one key.
/// </summary>
public sealed class ShardItems : IItemSet
{
    readonly IItemSet _items;

    /// <summary>Shard <paramref name="shard"/> of <paramref name="items"/>, cut at multiples of <paramref name="unit"/> items (the batch size).</summary>
    public ShardItems(IItemSet items, Shard shard, int unit = 1)
    {
        _items = items;
        Shard = shard;
        var (first, length) = shard.Range(items.Count, unit);
        First = (int)first;
        Count = (int)length;
    }

    /// <summary>Which shard.</summary>
    public Shard Shard { get; }
    /// <summary>Index of this shard's first item in the whole set.</summary>
    public int First { get; }
    /// <summary>Items in the whole set.</summary>
    public int Total => _items.Count;
    /// <inheritdoc/>
    public string Name => _items.Name;
    /// <inheritdoc/>
    public int Count { get; }
    /// <inheritdoc/>
    public string Fingerprint => _items.Fingerprint;
    /// <inheritdoc/>
    public string Id(int index) => _items.Id(First + Checked(index));
    /// <inheritdoc/>
    public (RgbImage Image, PixelBox? Region) Load(int index) => _items.Load(First + Checked(index));

    int Checked(int index) => (uint)index < (uint)Count ? index : throw new ArgumentOutOfRangeException(nameof(index), index, $"shard {Shard} holds {Count} items");
}
