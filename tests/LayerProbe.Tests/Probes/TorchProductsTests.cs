using LayerProbe.Probes;

namespace LayerProbe.Tests.Probes;

/// <summary>The libtorch products must compute what the managed kernels compute, on row subsets, odd sizes and several blocks.</summary>
public class TorchProductsTests
{
    [Theory]
    [InlineData(37, 45, 6, 0)]     // odd sizes, one partial block
    [InlineData(300, 150, 20, 64)] // several 64-row blocks plus a partial one
    [InlineData(5, 16, 1, 0)]
    [InlineData(130, 33, 3, 7)]    // block size not dividing the row count
    public void TorchProductsEqualManagedProducts(int n, int d, int k, int blockRows)
    {
        Assert.True(TorchBatchedProducts.Available, "libtorch must load on this machine");
        var rng = new Random(n * 7 + d);
        var x = new DenseFeatureRows(Enumerable.Range(0, n * d).Select(_ => rng.NextDouble() < 0.6 ? 0f : (float)SyntheticClusters.Gauss(rng)).ToArray(), n, d);
        var v = Enumerable.Range(0, k * d + 11).Select(_ => (float)SyntheticClusters.Gauss(rng)).ToArray(); // longer than K·D, as in compacted CG
        var vb = Enumerable.Range(0, k).Select(_ => SyntheticClusters.Gauss(rng)).ToArray();
        var coef = Enumerable.Range(0, n * k).Select(_ => rng.NextDouble() < 0.3 ? 0f : (float)rng.NextDouble()).ToArray();
        var u = Enumerable.Range(0, n * k).Select(_ => SyntheticClusters.Gauss(rng)).ToArray();
        int[] rows = Enumerable.Range(0, n).Where(i => i % 3 != 1).Reverse().ToArray(); // a shuffled-order subset
        const double bias = 2.5;
        using (BatchedProducts.Force(torch: false)) // the reference: managed kernels whatever the size
        {
            var zManaged = new double[n * k]; var zTorch = new double[n * k];
            BatchedProducts.Forward(x, rows, rows.Length, v, vb, bias, k, zManaged);
            TorchBatchedProducts.Forward(x, rows, rows.Length, v, vb, bias, k, zTorch, blockRows);
            Same(zManaged, zTorch);
            Assert.All(Enumerable.Range(0, n).Where(i => i % 3 == 1), i => Assert.Equal(0, zTorch[i * k])); // unlisted rows untouched

            var (g1, gb1, g2, gb2) = (Filled(k * d + 11), new double[k], Filled(k * d + 11), new double[k]); // stale values must be overwritten
            BatchedProducts.ForwardBackward(x, rows, rows.Length, v, vb, bias, k, coef, g1, gb1);
            TorchBatchedProducts.ForwardBackward(x, rows, rows.Length, v, vb, bias, k, coef, g2, gb2, blockRows: blockRows);
            Same(g1.AsSpan(0, k * d), g2.AsSpan(0, k * d)); Same(gb1, gb2);
            Assert.Equal(7f, g2[k * d]); // past K·D: not the products' to write

            BatchedProducts.Backward(x, rows, rows.Length, u, bias, k, g1, gb1);
            TorchBatchedProducts.Backward(x, rows, rows.Length, u, bias, k, g2, gb2, blockRows);
            Same(g1.AsSpan(0, k * d), g2.AsSpan(0, k * d)); Same(gb1, gb2);

            BatchedProducts.SquaredBackward(x, rows, rows.Length, coef, bias, k, g1, gb1);
            TorchBatchedProducts.SquaredBackward(x, rows, rows.Length, coef, bias, k, g2, gb2, blockRows);
            Same(g1.AsSpan(0, k * d), g2.AsSpan(0, k * d)); Same(gb1, gb2);
            Assert.True(g2.Take(k * d).All(val => val >= 0), "squared products with non-negative weights are non-negative");
        }
    }

    [Fact]
    public void SolverGivesTheSameModelsOnEitherBackend()
    {
        var (x, labels) = SyntheticClusters.Make(400, 60, 4, 0.8, seed: 5);
        var settings = BatchedNewtonSvm.Tuned(SvmSettings.Probe with { PositiveWeight = 2 }) with { Tolerance = 1e-4 };
        Assert.False(TorchBatchedProducts.Worth(400, 60, 4)); // this size alone would stay on the managed kernels
        LinearModel[] managed, torch;
        using (BatchedProducts.Force(torch: false)) managed = BatchedNewtonSvm.Train(x, labels, settings);
        using (BatchedProducts.Force(torch: true)) torch = BatchedNewtonSvm.Train(x, labels, settings);
        for (int c = 0; c < labels.Classes; c++)
        {
            var a = managed[c].Decisions(x); var b = torch[c].Decisions(x);
            double scale = a.Max(Math.Abs);
            for (int i = 0; i < a.Length; i++) Assert.Equal(a[i], b[i], 2e-3 * scale);
        }
    }

    static float[] Filled(int length) => Enumerable.Repeat(7f, length).ToArray();

    static void Same(ReadOnlySpan<double> expected, ReadOnlySpan<double> actual)
    {
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 1e-4 * (1 + Math.Abs(expected[i])));
    }

    static void Same(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual)
    {
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 1e-4 * (1 + Math.Abs(expected[i])));
    }
}
