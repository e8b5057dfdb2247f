namespace LayerProbe.Data;

/// <summary>
/// Labels of an item set: an item × class matrix of +1 (present), −1 (absent) and 0 (only difficult instances, VOC
/// image labels; docs/method.md §2.1). Single-label sets also keep each item's class index.
/// </summary>
public sealed class ItemLabels
{
    readonly sbyte[,] _matrix;

    /// <summary>Labels from a matrix (rows = items, columns = <paramref name="classes"/>).</summary>
    public ItemLabels(IReadOnlyList<string> classes, sbyte[,] matrix, int[]? classIndex = null)
    {
        if (matrix.GetLength(1) != classes.Count) throw new ArgumentException("matrix columns must match the classes");
        if (classIndex is not null && classIndex.Length != matrix.GetLength(0)) throw new ArgumentException("one class index per item");
        Classes = classes;
        _matrix = matrix;
        ClassIndex = classIndex;
    }

    /// <summary>Single-label items: +1 for the item's class, −1 for every other class.</summary>
    public static ItemLabels SingleLabel(IReadOnlyList<string> classes, int[] classIndex)
    {
        var matrix = new sbyte[classIndex.Length, classes.Count];
        for (int i = 0; i < classIndex.Length; i++)
            for (int c = 0; c < classes.Count; c++) matrix[i, c] = (sbyte)(c == classIndex[i] ? 1 : -1);
        return new ItemLabels(classes, matrix, classIndex);
    }

    /// <summary>Class names, column order.</summary>
    public IReadOnlyList<string> Classes { get; }
    /// <summary>Number of items.</summary>
    public int Count => _matrix.GetLength(0);
    /// <summary>The class of each item for single-label sets (GT boxes, Fashion-MNIST, image folders); null for multi-label.</summary>
    public int[]? ClassIndex { get; }
    /// <summary>Label of <paramref name="item"/> for class <paramref name="classIndex"/>: +1, −1 or 0.</summary>
    public int this[int item, int classIndex] => _matrix[item, classIndex];
    /// <summary>Number of items labelled <paramref name="label"/> for class <paramref name="classIndex"/>.</summary>
    public int CountOf(int classIndex, int label)
    {
        int n = 0;
        for (int i = 0; i < Count; i++) if (_matrix[i, classIndex] == label) n++;
        return n;
    }
}

/// <summary>An item set whose items carry class labels.</summary>
public interface ILabelledItemSet : IItemSet
{
    /// <summary>Labels, one row per item in item order.</summary>
    ItemLabels Labels { get; }
}
