namespace LayerProbe.Data;

/// <summary>
/// The items of a single-label set whose class is one of <c>classes</c>, relabelled 0 … k−1 in the given order (class
/// names kept). Builds a task with its own label set from part of a dataset, e.g. Fashion-MNIST classes 5–9 as the
/// "PASCAL" role while classes 0–4 pre-train the network.
/// </summary>
public sealed class ClassSubsetItems : LabelledItemSubset
{
    /// <summary>The items of <paramref name="inner"/> labelled with one of <paramref name="classes"/> (indices into its classes).</summary>
    public ClassSubsetItems(ILabelledItemSet inner, IReadOnlyList<int> classes) : this(inner, classes, Positions(inner, classes)) { }

    ClassSubsetItems(ILabelledItemSet inner, IReadOnlyList<int> classes, Dictionary<int, int> position)
        : this(inner, classes, position, Enumerable.Range(0, inner.Count).Where(i => position.ContainsKey(inner.Labels.ClassIndex![i])).ToArray()) { }

    ClassSubsetItems(ILabelledItemSet inner, IReadOnlyList<int> classes, Dictionary<int, int> position, int[] members)
        : base(inner, members,
               ItemLabels.SingleLabel(classes.Select(c => inner.Labels.Classes[c]).ToList(), members.Select(i => position[inner.Labels.ClassIndex![i]]).ToArray()),
               $"{inner.Name}/classes{string.Join("-", classes)}") { }

    static Dictionary<int, int> Positions(ILabelledItemSet inner, IReadOnlyList<int> classes)
    {
        if (inner.Labels.ClassIndex is null) throw new LayerProbeException($"{inner.Name}: a class subset needs single-label items");
        return new Dictionary<int, int>(ClassPositions.Of(classes, inner.Labels.Classes.Count, inner.Name));
    }
}
