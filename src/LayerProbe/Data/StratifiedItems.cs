namespace LayerProbe.Data;

/// <summary>
/// A seeded stratified subset of a single-label item set: <c>perClass</c> items of every class
/// (<see cref="StratifiedSubset"/>), in their original order — a data specification's <c>per-class=N:seed=S</c> for
/// any source.
/// </summary>
public sealed class StratifiedItems : ILabelledItemSet
{
    readonly ILabelledItemSet _inner;
    readonly int[] _members;

    /// <summary><paramref name="perClass"/> items of each class of <paramref name="inner"/>, chosen with <paramref name="seed"/>.</summary>
    public StratifiedItems(ILabelledItemSet inner, int perClass, int seed)
    {
        var classOf = inner.Labels.ClassIndex ?? throw LayerProbeException.For(inner.Name, "per-class= needs single-label items (one class per item)");
        int classes = inner.Labels.Classes.Count;
        if (classes > byte.MaxValue) throw LayerProbeException.For(inner.Name, $"per-class= supports at most {byte.MaxValue} classes, not {classes}");
        var labels = classOf.Select(c => (byte)c).ToArray();
        try { _members = StratifiedSubset.Select(labels, classes, perClass, seed); }
        catch (LayerProbeException e) { throw LayerProbeException.For(inner.Name, e.Message, e); }
        _inner = inner;
        Labels = ItemLabels.SingleLabel(inner.Labels.Classes, _members.Select(i => classOf[i]).ToArray());
        Name = $"{inner.Name}/per-class{perClass}-seed{seed}";
        Fingerprint = new Fingerprints().Add(Name).Add(inner.Fingerprint).Finish();
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
