using System.Runtime.Intrinsics;

namespace LayerProbe.Bench;

/// <summary>
/// Seeded CNN-like features for solver benchmarks: non-negative, about three quarters zeros, correlated through a
/// low-rank latent factor (x = ReLU(z·L/√r + 0.3·ε − 0.6)); single-label classes chosen as the argmax over K noisy
/// linear scores, each depending on d/8 random features.
/// </summary>
internal static class SyntheticReluFeatures
{
    public const int LatentRank = 24;

    public static (float[] Train, int[] TrainClass, float[] Test, int[] TestClass) Make(int train, int test, int d, int k, int seed, double noise = 0.25)
    {
        var rng = new Random(seed);
        var loadings = new float[LatentRank * d];
        for (int j = 0; j < loadings.Length; j++) loadings[j] = (float)(Gauss(rng) / Math.Sqrt(LatentRank));
        var used = new int[k][]; var weight = new float[k][];
        for (int c = 0; c < k; c++)
        {
            used[c] = Enumerable.Range(0, d / 8).Select(_ => rng.Next(d)).ToArray();
            weight[c] = used[c].Select(_ => (float)Gauss(rng)).ToArray();
        }
        var xTrain = Rows(train, d, loadings, seed * 7919 + 1);
        var xTest = Rows(test, d, loadings, seed * 7919 + 2);
        // Label noise: a fraction (default a quarter) of the spread of the class scores over the training items.
        double spread = Enumerable.Range(0, Math.Min(train, 500)).Select(i => Score(xTrain, i, d, used[0], weight[0])).StdDev();
        return (xTrain, Classes(xTrain, train, d, used, weight, noise * spread, seed + 3), xTest, Classes(xTest, test, d, used, weight, noise * spread, seed + 4));
    }

    static float[] Rows(int n, int d, float[] loadings, int seed)
    {
        var x = new float[(long)n * d > int.MaxValue ? throw new ArgumentException("too many values") : n * d];
        Parallel.For(0, n, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
        {
            var rng = new Random(seed + i * 131);
            var row = x.AsSpan(i * d, d);
            for (int j = 0; j < d; j++) row[j] = (float)(0.3 * Gauss(rng) - 0.6);
            for (int r = 0; r < LatentRank; r++)
            {
                float zr = (float)Gauss(rng);
                var l = loadings.AsSpan(r * d, d);
                int j = 0;
                for (; j + 16 <= d; j += 16)
                    Vector512.FusedMultiplyAdd(Vector512.Create(l.Slice(j, 16)), Vector512.Create(zr), Vector512.Create(row.Slice(j, 16))).CopyTo(row.Slice(j, 16));
                for (; j < d; j++) row[j] += zr * l[j];
            }
            for (int j = 0; j < d; j++) row[j] = Math.Max(0, row[j]);
        });
        return x;
    }

    static double Score(float[] x, int i, int d, int[] used, float[] weight)
    {
        double s = 0;
        for (int t = 0; t < used.Length; t++) s += x[i * d + used[t]] * weight[t];
        return s;
    }

    static int[] Classes(float[] x, int n, int d, int[][] used, float[][] weight, double noise, int seed)
    {
        var rng = new Random(seed);
        var cls = new int[n];
        for (int i = 0; i < n; i++)
        {
            double best = double.NegativeInfinity;
            for (int c = 0; c < used.Length; c++)
            {
                double s = Score(x, i, d, used[c], weight[c]) + noise * Gauss(rng);
                if (s > best) { best = s; cls[i] = c; }
            }
        }
        return cls;
    }

    static double StdDev(this IEnumerable<double> values)
    {
        var v = values.ToArray();
        double m = v.Average();
        return Math.Sqrt(v.Sum(a => (a - m) * (a - m)) / v.Length);
    }

    public static double Gauss(Random rng) => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
}
