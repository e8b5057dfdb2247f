using System.Runtime.Intrinsics;

namespace LayerProbe.Probes;

/// <summary>
/// R-CNN feature scaling (docs/method.md §6.3): every feature vector is multiplied by <see cref="Factor"/> =
/// TargetNorm / mean L2 norm, the mean taken over a seeded random sample of training rows, so that one C grid fits
/// every layer. Norms are summed in double and the factor is checked to be a finite, positive float. The record is what
/// goes into the manifest.
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
        for (int s = 0; s < m; s++) sum += Math.Sqrt(SumOfSquares(rows.Row(order[s])));
        double mean = sum / m;
        if (mean <= 0) throw new ArgumentException("features are all zero: mean norm 0, no scale factor");
        double factor = targetNorm / mean;
        if (!double.IsFinite(mean) || !double.IsFinite(factor) || !float.IsFinite((float)factor) || (float)factor <= 0)
            throw new LayerProbeException($"feature scaling: mean row norm {mean:G6} gives the factor {factor:G6}, which float features cannot be multiplied by");
        return new FeatureScaling(mean, factor, targetNorm, m, seed);
    }

    /// <summary>Σ x² of a float row accumulated in double (a float sum overflows from |x| ≈ 1.8e19 on).</summary>
    static double SumOfSquares(ReadOnlySpan<float> row)
    {
        double sum = 0;
        int j = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var acc = Vector256<double>.Zero;
            for (; j + Vector256<float>.Count <= row.Length; j += Vector256<float>.Count)
            {
                var (lo, hi) = Vector256.Widen(Vector256.Create(row.Slice(j, Vector256<float>.Count)));
                acc += lo * lo + hi * hi;
            }
            sum = Vector256.Sum(acc);
        }
        for (; j < row.Length; j++) sum += (double)row[j] * row[j];
        return sum;
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
