namespace LayerProbe.Data;

/// <summary>
/// The last few decoded images (least recently used evicted), so windows of one image drawn close together decode it
/// once while memory stays bounded by <see cref="Capacity"/> images. Thread-safe.
/// </summary>
public sealed class DecodedImageCache(int capacity, Func<string, RgbImage> decode)
{
    readonly LinkedList<(string Key, RgbImage Image)> _recent = new();
    readonly Lock _lock = new();

    /// <summary>Images kept.</summary>
    public int Capacity { get; } = capacity > 0 ? capacity : throw new ArgumentOutOfRangeException(nameof(capacity), "capacity must be positive");

    /// <summary>The image for <paramref name="key"/>, decoded (outside the lock) when not cached.</summary>
    public RgbImage Get(string key)
    {
        lock (_lock)
            for (var node = _recent.First; node is not null; node = node.Next)
                if (node.Value.Key == key)
                {
                    _recent.Remove(node);
                    _recent.AddFirst(node);
                    return node.Value.Image;
                }
        var image = decode(key);
        lock (_lock)
        {
            _recent.AddFirst((key, image));
            while (_recent.Count > Capacity) _recent.RemoveLast();
        }
        return image;
    }
}
