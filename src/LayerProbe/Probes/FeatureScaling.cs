namespace LayerProbe.Probes;

/// <summary>
/// R-CNN feature scaling (METHOD.md §6.3): every feature vector is multiplied by <see cref="Factor"/> =
/// TargetNorm / mean L2 norm, the mean taken over a seeded random sample of training rows, so that one C grid fits
/// every layer. The record is what goes into the manifest.
/// </summary>
public sealed record FeatureScaling(double MeanNorm, double Factor, double TargetNorm, int SampleSize, int Seed)
{
    /// <summary>R-CNN's target mean norm.</summary>
    public const double RcnnTargetNorm = 20;

    /// <summary>Estimates the factor from up to <paramref name="sampleSize"/> rows drawn without replacement.</summary>
    public static FeatureScaling Estimate(IFeatureRows rows, int sampleSize = 40_000, int seed = 3, double targetNorm = RcnnTargetNorm)
    {
        if (rows.Count == 0) throw new ArgumentException("no rows to estimate the feature norm from");
        var order = Enumerable.Range(0, rows.Count).ToArray();
        new Random(seed).Shuffle(order);
        int m = Math.Min(sampleSize, rows.Count);
        double sum = 0;
        for (int s = 0; s < m; s++)
        {
            var r = rows.Row(order[s]);
            sum += Math.Sqrt(VectorMath.Dot(r, r));
        }
        double mean = sum / m;
        if (mean <= 0) throw new ArgumentException("features are all zero: mean norm 0, no scale factor");
        return new FeatureScaling(mean, targetNorm / mean, targetNorm, m, seed);
    }

    /// <summary>Row source that returns <paramref name="rows"/> multiplied by <see cref="Factor"/> (a per-thread ring of
    /// <see cref="IFeatureRows.LiveRows"/> buffers).</summary>
    public IFeatureRows Apply(IFeatureRows rows) => new ScaledRows(rows, (float)Factor);

    sealed class ScaledRows(IFeatureRows source, float factor) : IFeatureRows
    {
        [ThreadStatic] static float[][]? _ring;
        [ThreadStatic] static int _next;
        public int Count => source.Count;
        public int Dimensions => source.Dimensions;
        public ReadOnlySpan<float> Row(int i)
        {
            var src = source.Row(i);
            _ring ??= new float[IFeatureRows.LiveRows][];
            _next = (_next + 1) % IFeatureRows.LiveRows;
            var buf = _ring[_next] is { } b && b.Length >= src.Length ? b : _ring[_next] = new float[src.Length];
            var dst = buf.AsSpan(0, src.Length);
            System.Numerics.Tensors.TensorPrimitives.Multiply(src, factor, dst);
            return dst;
        }
    }
}
