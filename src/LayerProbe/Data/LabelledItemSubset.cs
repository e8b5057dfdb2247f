namespace LayerProbe.Data;

/// <summary>
/// Some items of a labelled set, in their original order, with their own labels, name and fingerprint — the common
/// part of <see cref="ClassSubsetItems"/> and <see cref="StratifiedItems"/>.
/// </summary>
public abstract class LabelledItemSubset : ILabelledItemSet
{
    readonly ILabelledItemSet _inner;
    readonly int[] _members;

    /// <summary>Items <paramref name="members"/> of <paramref name="inner"/>, labelled <paramref name="labels"/>, called <paramref name="name"/>.</summary>
    protected LabelledItemSubset(ILabelledItemSet inner, int[] members, ItemLabels labels, string name)
    {
        _inner = inner;
        _members = members;
        Labels = labels;
        Name = name;
        Fingerprint = new Fingerprints().Add(name).Add(inner.Fingerprint).Finish();
    }

    /// <inheritdoc/>
    public string Name { get; }
    /// <inheritdoc/>
    public int Count => _members.Length;
    /// <inheritdoc/>
    public string Fingerprint { get; }
    /// <inheritdoc/>
    public ItemLabels Labels { get; }
    /// <inheritdoc/>
    public string Id(int index) => _inner.Id(_members[index]);
    /// <inheritdoc/>
    public (RgbImage Image, PixelBox? Region) Load(int index) => _inner.Load(_members[index]);
}
