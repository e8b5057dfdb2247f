namespace LayerProbe.Probes;

/// <summary>
/// Labels of a one-vs-rest task: for every class and item +1 (positive), −1 (negative) or 0 (ignored for that class,
/// e.g. VOC's "only difficult instances" images).
/// </summary>
public sealed class OneVsRestLabels
{
    readonly sbyte[][] _perClass;

    /// <summary>One label array per class, all of the same length.</summary>
    public OneVsRestLabels(IReadOnlyList<string> classNames, sbyte[][] perClass)
    {
        if (classNames.Count != perClass.Length) throw new ArgumentException($"{classNames.Count} names but {perClass.Length} label arrays");
        if (perClass.Length == 0) throw new ArgumentException("no classes");
        foreach (var l in perClass)
        {
            if (l.Length != perClass[0].Length) throw new ArgumentException("label arrays differ in length");
            foreach (var v in l) if (v is not (1 or -1 or 0)) throw new ArgumentException($"label {v} is not +1, −1 or 0");
        }
        (ClassNames, _perClass) = (classNames, perClass);
    }

    /// <summary>Class names in order.</summary>
    public IReadOnlyList<string> ClassNames { get; }
    /// <summary>Number of classes.</summary>
    public int Classes => _perClass.Length;
    /// <summary>Number of items.</summary>
    public int Count => _perClass[0].Length;
    /// <summary>Labels of class <paramref name="k"/>.</summary>
    public ReadOnlySpan<sbyte> Of(int k) => _perClass[k];

    /// <summary>Labels for a single-label multi-class task: item i is positive for class[i], negative for the rest.</summary>
    public static OneVsRestLabels FromClassIndices(IReadOnlyList<string> classNames, ReadOnlySpan<int> classOfItem)
    {
        var per = new sbyte[classNames.Count][];
        for (int k = 0; k < per.Length; k++)
        {
            per[k] = new sbyte[classOfItem.Length];
            for (int i = 0; i < classOfItem.Length; i++) per[k][i] = (sbyte)(classOfItem[i] == k ? 1 : -1);
        }
        return new OneVsRestLabels(classNames, per);
    }

    /// <summary>The labels of the given items (a split).</summary>
    public OneVsRestLabels Subset(int[] items) =>
        new(ClassNames, _perClass.Select(l => items.Select(i => l[i]).ToArray()).ToArray());
}
