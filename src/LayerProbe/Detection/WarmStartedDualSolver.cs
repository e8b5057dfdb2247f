using LayerProbe.Probes;

namespace LayerProbe.Detection;

/// <summary>
/// The default detector solver: the dual coordinate descent of <see cref="DualCoordinateDescentSvm"/> (liblinear type 3
/// semantics) over the union of the due classes' cached rows, so each pass reads a row once for every due class still
/// working on it; classes are split into one group per core. Warm-started: every row that stayed in a cache keeps its
/// dual variable from the previous training (new negatives start at 0, evicted ones are gone), and w starts at Σαyx̂.
/// The dual variables are written back into the caches. With <c>warmStart: false</c> every training starts from
/// zero (for measuring what the warm start saves).
/// </summary>
public sealed class WarmStartedDualSolver(bool warmStart = true) : IDetectorSolver
{
    /// <inheritdoc/>
    public string Name => warmStart ? "dual coordinate descent, warm-started" : "dual coordinate descent, cold-started";

    /// <inheritdoc/>
    public (LinearModel Model, int Passes)[] Train(IFeatureRows scaledRows, IReadOnlyList<ClassCache> due, SvmSettings settings)
    {
        var index = new Dictionary<int, int>();
        var rows = new List<int>();
        var norms = new List<double>();
        foreach (var cache in due)
        {
            for (int j = 0; j < cache.PositiveRows.Length; j++) Include(cache.PositiveRows[j], cache.PositiveNorms[j]);
            for (int j = 0; j < cache.Negatives.Count; j++) Include(cache.Negatives[j], cache.NegativeNorms[j]);
        }
        var union = new FeatureRowSubset(scaledRows, rows.ToArray());
        var squaredNorms = norms.ToArray();
        int n = rows.Count, groups = Math.Clamp(Environment.ProcessorCount, 1, due.Count);
        var result = new (LinearModel, int)[due.Count];
        Parallel.For(0, groups, new ParallelOptions { MaxDegreeOfParallelism = groups }, g =>
        {
            int first = due.Count * g / groups, k = due.Count * (g + 1) / groups - first;
            var labels = new sbyte[n * k];
            var alpha = new double[n * k];
            for (int q = 0; q < k; q++)
            {
                var cache = due[first + q];
                for (int j = 0; j < cache.PositiveRows.Length; j++)
                {
                    int iq = index[cache.PositiveRows[j]] * k + q;
                    (labels[iq], alpha[iq]) = (1, cache.PositiveAlpha[j]);
                }
                for (int j = 0; j < cache.Negatives.Count; j++)
                {
                    int iq = index[cache.Negatives[j]] * k + q;
                    (labels[iq], alpha[iq]) = (-1, cache.NegativeAlpha[j]);
                }
            }
            var group = new DualClassGroup(union, labels, k, settings, squaredNorms, warmStart ? alpha : null);
            group.Solve();
            for (int q = 0; q < k; q++)
            {
                var cache = due[first + q];
                for (int j = 0; j < cache.PositiveRows.Length; j++) cache.PositiveAlpha[j] = group.Alpha(index[cache.PositiveRows[j]], q);
                for (int j = 0; j < cache.Negatives.Count; j++) cache.NegativeAlpha[j] = group.Alpha(index[cache.Negatives[j]], q);
                result[first + q] = (group.Model(q), group.Passes(q));
            }
        });
        return result;

        void Include(int row, double squaredNorm)
        {
            if (!index.TryAdd(row, rows.Count)) return;
            rows.Add(row);
            norms.Add(squaredNorm);
        }
    }
}
