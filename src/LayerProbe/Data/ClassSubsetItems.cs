namespace LayerProbe.Data;

/// <summary>
/// The items of a single-label set whose class is one of <c>classes</c>, relabelled 0 … k−1 in the given order (class
/// names kept). Builds a task with its own label set from part of a dataset, e.g. Fashion-MNIST classes 5–9 as the
/// "PASCAL" role while classes 0–4 pre-train the network.
/// </summary>
public sealed class ClassSubsetItems : ILabelledItemSet
{
    readonly ILabelledItemSet _inner;
    readonly int[] _members;

    /// <summary>The items of <paramref name="inner"/> labelled with one of <paramref name="classes"/> (indices into its classes).</summary>
    public ClassSubsetItems(ILabelledItemSet inner, IReadOnlyList<int> classes)
    {
        var classOf = inner.Labels.ClassIndex ?? throw new LayerProbeException($"{inner.Name}: a class subset needs single-label items");
        var position = ClassPositions.Of(classes, inner.Labels.Classes.Count, inner.Name);
        _inner = inner;
        _members = Enumerable.Range(0, inner.Count).Where(i => position.ContainsKey(classOf[i])).ToArray();
        Labels = ItemLabels.SingleLabel(classes.Select(c => inner.Labels.Classes[c]).ToList(), _members.Select(i => position[classOf[i]]).ToArray());
        Name = $"{inner.Name}/classes{string.Join("-", classes)}";
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
