namespace LayerProbe.Detection;

/// <summary>
/// The training cache of one class during hard-negative mining (R-CNN's <c>caches{j}</c>, docs/method.md §6.4): its
/// positives (every GT row of the class) and the negatives mined so far, held as row indices into the feature store —
/// never copies of rows, so memory grows with the cache, not with the number of regions. Beside each row the cache
/// keeps its squared (scaled) norm and its dual variable, so a retrain can continue from the previous solution.
/// </summary>
public sealed class ClassCache
{
    readonly List<int> _negatives = [];
    internal readonly List<double> NegativeNorms = [];
    internal readonly List<double> NegativeAlpha = [];

    internal ClassCache(int classIndex, int[] positives, double[] positiveNorms)
    {
        Class = classIndex;
        PositiveRows = positives;
        PositiveNorms = positiveNorms;
        PositiveAlpha = new double[positives.Length];
    }

    /// <summary>The class (devkit index).</summary>
    public int Class { get; }
    /// <summary>Feature-store rows of the positives (GT rows of the class, row order).</summary>
    public IReadOnlyList<int> Positives => PositiveRows;
    /// <summary>Feature-store rows of the cached negatives, in the order they were mined (evictions keep the order).</summary>
    public IReadOnlyList<int> Negatives => _negatives;
    /// <summary>The current detector (null before the first training).</summary>
    public Probes.LinearModel? Model { get; internal set; }
    /// <summary>Negatives added since the last training (R-CNN's <c>num_added</c>).</summary>
    public int AddedSinceTraining { get; internal set; }

    internal int[] PositiveRows { get; }
    internal double[] PositiveNorms { get; }
    internal double[] PositiveAlpha { get; }

    /// <summary>Adds a newly mined negative (dual variable 0: it has not been seen by the solver).</summary>
    internal void Add(int row, double squaredNorm)
    {
        _negatives.Add(row);
        NegativeNorms.Add(squaredNorm);
        NegativeAlpha.Add(0);
        AddedSinceTraining++;
    }

    /// <summary>Removes the negatives whose score (same order as <see cref="Negatives"/>) is below <paramref name="threshold"/>; returns how many.</summary>
    internal int Evict(ReadOnlySpan<double> scores, double threshold)
    {
        int kept = 0;
        for (int j = 0; j < _negatives.Count; j++)
        {
            if (scores[j] < threshold) continue;
            _negatives[kept] = _negatives[j];
            NegativeNorms[kept] = NegativeNorms[j];
            NegativeAlpha[kept] = NegativeAlpha[j];
            kept++;
        }
        int evicted = _negatives.Count - kept;
        _negatives.RemoveRange(kept, evicted);
        NegativeNorms.RemoveRange(kept, evicted);
        NegativeAlpha.RemoveRange(kept, evicted);
        return evicted;
    }
}
