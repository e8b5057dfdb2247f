using LayerProbe.Probes;

namespace LayerProbe.Tests.Probes;

/// <summary>Seeded Gaussian clusters: item i of class c = separation·μ_c + N(0, I); overlapping enough that AP &lt; 100.</summary>
internal static class SyntheticClusters
{
    public static (DenseFeatureRows X, OneVsRestLabels Labels) Make(int n, int d, int k, double separation, int seed)
    {
        var rng = new Random(seed);
        var means = new double[k, d];
        for (int c = 0; c < k; c++) for (int j = 0; j < d; j++) means[c, j] = Gauss(rng);
        var data = new float[n * d];
        var cls = new int[n];
        for (int i = 0; i < n; i++)
        {
            cls[i] = rng.Next(k);
            for (int j = 0; j < d; j++) data[i * d + j] = (float)(separation * means[cls[i], j] + Gauss(rng));
        }
        var names = Enumerable.Range(0, k).Select(c => $"class{c}").ToArray();
        return (new DenseFeatureRows(data, n, d), OneVsRestLabels.FromClassIndices(names, cls));
    }

    public static double Gauss(Random rng) => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());

    public static double Correlation(double[] a, double[] b)
    {
        double ma = a.Average(), mb = b.Average(), sab = 0, saa = 0, sbb = 0;
        for (int i = 0; i < a.Length; i++) { sab += (a[i] - ma) * (b[i] - mb); saa += (a[i] - ma) * (a[i] - ma); sbb += (b[i] - mb) * (b[i] - mb); }
        return sab / Math.Sqrt(saa * sbb);
    }
}
