namespace LayerProbe.Data;

/// <summary>
/// A seeded stratified subset of a single-label item set: <c>perClass</c> items of every class
/// (<see cref="StratifiedSubset"/>), in their original order — a data specification's <c>per-class=N:seed=S</c> for
/// any source.
/// </summary>
public sealed class StratifiedItems : LabelledItemSubset
{
    /// <summary><paramref name="perClass"/> items of each class of <paramref name="inner"/>, chosen with <paramref name="seed"/>.</summary>
    public StratifiedItems(ILabelledItemSet inner, int perClass, int seed) : this(inner, Members(inner, perClass, seed), perClass, seed) { }

    StratifiedItems(ILabelledItemSet inner, int[] members, int perClass, int seed)
        : base(inner, members, ItemLabels.SingleLabel(inner.Labels.Classes, members.Select(i => inner.Labels.ClassIndex![i]).ToArray()),
               $"{inner.Name}/per-class{perClass}-seed{seed}") { }

    static int[] Members(ILabelledItemSet inner, int perClass, int seed)
    {
        var classOf = inner.Labels.ClassIndex ?? throw LayerProbeException.For(inner.Name, "per-class= needs single-label items (one class per item)");
        int classes = inner.Labels.Classes.Count;
        if (classes > byte.MaxValue) throw LayerProbeException.For(inner.Name, $"per-class= supports at most {byte.MaxValue} classes, not {classes}");
        try { return StratifiedSubset.Select(classOf.Select(c => (byte)c).ToArray(), classes, perClass, seed); }
        catch (LayerProbeException e) { throw LayerProbeException.For(inner.Name, e.Message, e); }
    }
}
