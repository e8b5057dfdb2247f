namespace LayerProbe.Data;

/// <summary>
/// What features are extracted for: an ordered set of items (whole images, ground-truth boxes or region proposals),
/// each with a stable id, a source image and an optional region of it.
/// </summary>
public interface IItemSet
{
    /// <summary>Human-readable name (e.g. "voc2007/test/gt-boxes").</summary>
    string Name { get; }
    /// <summary>Number of items.</summary>
    int Count { get; }
    /// <summary>
    /// Identity of the set's content (ids, files and their sizes/times or hashes, regions); a changed set must change it.
    /// Part of the feature-store key.
    /// </summary>
    string Fingerprint { get; }
    /// <summary>Stable id of item <paramref name="index"/> (e.g. "000005", "000005/gt/2").</summary>
    string Id(int index);
    /// <summary>Decodes item <paramref name="index"/>: its image and the region to crop (null = whole image).</summary>
    (RgbImage Image, PixelBox? Region) Load(int index);
}
