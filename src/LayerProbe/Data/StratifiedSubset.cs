namespace LayerProbe.Data;

/// <summary>Seeded stratified sampling: the same number of items from every class.</summary>
public static class StratifiedSubset
{
    /// <summary>
    /// Indices of <paramref name="perClass"/> items of each class in <paramref name="labels"/> (classes 0…
    /// <paramref name="classCount"/>−1), chosen by a seeded shuffle, returned in ascending order.
    /// </summary>
    public static int[] Select(ReadOnlySpan<byte> labels, int classCount, int perClass, int seed)
    {
        if (perClass <= 0) throw new ArgumentOutOfRangeException(nameof(perClass), "must be positive");
        var byClass = new List<int>[classCount];
        for (int c = 0; c < classCount; c++) byClass[c] = [];
        for (int i = 0; i < labels.Length; i++)
            if (labels[i] < classCount) byClass[labels[i]].Add(i);
        var rng = new Random(seed);
        var chosen = new List<int>(perClass * classCount);
        for (int c = 0; c < classCount; c++)
        {
            var members = byClass[c].ToArray();
            if (members.Length < perClass)
                throw new LayerProbeException($"class {c} has {members.Length} items, fewer than the {perClass} requested per class");
            rng.Shuffle(members);
            chosen.AddRange(members.AsSpan(0, perClass));
        }
        chosen.Sort();
        return [.. chosen];
    }
}
