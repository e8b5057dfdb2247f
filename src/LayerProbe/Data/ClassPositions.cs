namespace LayerProbe.Data;

/// <summary>
/// A class subset given as indices into a dataset's classes, relabelled 0 … k−1 in the order given: the task with its
/// own label set that <see cref="ClassSubsetItems"/> and the Fashion-MNIST training source build.
/// </summary>
public static class ClassPositions
{
    /// <summary>
    /// Class index → its position in <paramref name="classes"/>; one line naming <paramref name="source"/> when the
    /// list is empty, repeats a class or leaves 0 … <paramref name="classCount"/> − 1.
    /// </summary>
    public static IReadOnlyDictionary<int, int> Of(IReadOnlyList<int> classes, int classCount, string source)
    {
        if (classes.Count == 0 || classes.Distinct().Count() != classes.Count || classes.Any(c => c < 0 || c >= classCount))
            throw new LayerProbeException($"{source}: class subset [{string.Join(",", classes)}] must name distinct classes 0…{classCount - 1}");
        return classes.Select((c, k) => (c, k)).ToDictionary(p => p.c, p => p.k);
    }
}
