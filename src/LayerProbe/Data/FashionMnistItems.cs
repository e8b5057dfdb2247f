namespace LayerProbe.Data;

/// <summary>
/// Fashion-MNIST images as items (whole images, single label), optionally a subset of indices. Images are decoded in
/// memory from the IDX data and made 3-channel by replicating the grey value. The fingerprint covers both IDX files
/// (their bytes) and the chosen indices.
/// </summary>
public sealed class FashionMnistItems : ILabelledItemSet
{
    readonly FashionMnist _data;
    readonly int[] _indices;

    /// <summary>Items for <paramref name="indices"/> of <paramref name="data"/> (all images when null).</summary>
    public FashionMnistItems(FashionMnist data, int[]? indices = null)
    {
        _data = data;
        _indices = indices ?? Enumerable.Range(0, data.Count).ToArray();
        foreach (var i in _indices)
            if ((uint)i >= (uint)data.Count) throw new ArgumentOutOfRangeException(nameof(indices), $"index {i} is outside 0..{data.Count - 1}");
        Labels = ItemLabels.SingleLabel(FashionMnist.ClassNames, _indices.Select(i => (int)data.Labels[i]).ToArray());
        var f = new Fingerprints().Add(Name).AddFile(data.ImagesPath).AddFile(data.LabelsPath);
        foreach (var i in _indices) f.Add(i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Fingerprint = f.Finish();
    }

    /// <inheritdoc/>
    public string Name => $"fashion-mnist/{_data.Split}" + (_indices.Length == _data.Count ? "" : $"/subset{_indices.Length}");
    /// <inheritdoc/>
    public int Count => _indices.Length;
    /// <inheritdoc/>
    public string Fingerprint { get; }
    /// <inheritdoc/>
    public ItemLabels Labels { get; }
    /// <inheritdoc/>
    public string Id(int index) => $"{_data.Split}/{_indices[index]}";
    /// <inheritdoc/>
    public (RgbImage Image, PixelBox? Region) Load(int index) => (_data.Image(_indices[index]), null);
}
