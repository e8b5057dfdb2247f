using LayerProbe.Probes;

namespace LayerProbe.Tests.Probes;

/// <summary>Properties of the solvers and their building blocks checked against direct (naive) computations.</summary>
public class SolverPropertyTests
{
    [Theory]
    [InlineData(37, 45, 6)]   // dims not a multiple of 16, classes not a multiple of 4, rows not a multiple of 4
    [InlineData(200, 64, 4)]  // enough rows for two threads
    [InlineData(3, 16, 1)]
    [InlineData(70, 150, 6)]  // two 64-column panel tiles plus 22 remainder columns
    public void BatchedProductsMatchNaiveSums(int n, int d, int k)
    {
        var rng = new Random(n * 31 + d);
        var x = new DenseFeatureRows(Enumerable.Range(0, n * d).Select(_ => (float)SyntheticClusters.Gauss(rng)).ToArray(), n, d);
        var v = Enumerable.Range(0, k * d).Select(_ => (float)SyntheticClusters.Gauss(rng)).ToArray();
        var vb = Enumerable.Range(0, k).Select(_ => SyntheticClusters.Gauss(rng)).ToArray();
        var coef = Enumerable.Range(0, n * k).Select(_ => (float)rng.NextDouble()).ToArray();
        int[] rows = Enumerable.Range(0, n).Where(i => i % 3 != 1).ToArray(); // a gathered subset
        const double bias = 2.5;

        var z = new double[n * k];
        BatchedProducts.Forward(x, rows, rows.Length, v, vb, bias, k, z);
        var g = new float[k * d]; var gb = new double[k];
        BatchedProducts.ForwardBackward(x, rows, rows.Length, v, vb, bias, k, coef, g, gb);
        var expectG = new double[k * d]; var expectGb = new double[k];
        foreach (int i in rows)
            for (int c = 0; c < k; c++)
            {
                double zz = bias * vb[c];
                for (int j = 0; j < d; j++) zz += x.Row(i)[j] * (double)v[c * d + j];
                Close(zz, z[i * k + c]);
                double u = coef[i * k + c] * zz;
                for (int j = 0; j < d; j++) expectG[c * d + j] += u * x.Row(i)[j];
                expectGb[c] += bias * u;
            }
        for (int j = 0; j < k * d; j++) Close(expectG[j], g[j]);
        for (int c = 0; c < k; c++) Close(expectGb[c], gb[c]);

        var u2 = coef.Select(f => (double)f).ToArray();
        BatchedProducts.Backward(x, rows, rows.Length, u2, bias, k, g, gb);
        foreach (int c in Enumerable.Range(0, k))
            for (int j = 0; j < d; j++)
                Close(rows.Sum(i => u2[i * k + c] * x.Row(i)[j]), g[c * d + j]);
        BatchedProducts.SquaredBackward(x, rows, rows.Length, coef, bias, k, g, gb);
        foreach (int c in Enumerable.Range(0, k))
        {
            for (int j = 0; j < d; j++)
                Close(rows.Sum(i => coef[i * k + c] * (double)x.Row(i)[j] * x.Row(i)[j]), g[c * d + j]);
            Close(bias * bias * rows.Sum(i => coef[i * k + c]), gb[c]);
        }
    }

    /// <summary>Float accumulation vs a double reference: relative 1e-4 (absolute near 0).</summary>
    static void Close(double expected, double actual) => Assert.Equal(expected, actual, 1e-4 * (1 + Math.Abs(expected)));

    [Fact]
    public void FeatureScalingGivesTargetMeanNormAndRecordsTheFactor()
    {
        var (x, _) = SyntheticClusters.Make(300, 50, 3, 0.5, seed: 2);
        var s = FeatureScaling.Estimate(x, sampleSize: 1000, seed: 9);
        double mean = Enumerable.Range(0, x.Count).Average(i => Math.Sqrt(x.Row(i).ToArray().Sum(v => (double)v * v)));
        Assert.Equal(mean, s.MeanNorm, 6); // the sample covers all 300 rows
        Assert.Equal(20 / mean, s.Factor, 6);
        var scaled = s.Apply(x);
        Assert.Equal(20, Enumerable.Range(0, x.Count).Average(i => Math.Sqrt(scaled.Row(i).ToArray().Sum(v => (double)v * v))), 3);
        // a sample smaller than the set is seeded: same seed, same estimate
        Assert.Equal(FeatureScaling.Estimate(x, 50, 4).MeanNorm, FeatureScaling.Estimate(x, 50, 4).MeanNorm);
        Assert.Equal(50, FeatureScaling.Estimate(x, 50, 4).SampleSize);
    }

    [Fact]
    public void ScaledRowsStayValidForABlockOfRows()
    {
        var (x, _) = SyntheticClusters.Make(20, 17, 2, 0.5, seed: 3);
        var scaled = FeatureScaling.Estimate(x).Apply(x);
        var first = scaled.Row(0);
        for (int i = 1; i < IFeatureRows.LiveRows; i++) scaled.Row(i);
        Assert.Equal(x.Row(0)[3] * (float)FeatureScaling.Estimate(x).Factor, first[3], 5);
    }

    [Theory]
    [InlineData(SvmLoss.Hinge)]
    [InlineData(SvmLoss.SquaredHinge)]
    public void IgnoredLabelsAreTheSameAsLeavingItemsOut(SvmLoss loss)
    {
        var (x, labels) = SyntheticClusters.Make(120, 30, 3, 0.4, seed: 4);
        var withZeros = labels.Of(0).ToArray();
        for (int i = 0; i < withZeros.Length; i += 5) withZeros[i] = 0;
        var kept = Enumerable.Range(0, withZeros.Length).Where(i => withZeros[i] != 0).ToArray();
        var settings = new SvmSettings(loss, 0.05, 2, 10, Tolerance: 1e-6);
        var a = DualCoordinateDescentSvm.Train(x, withZeros, settings);
        var b = DualCoordinateDescentSvm.Train(new FeatureRowSubset(x, kept), kept.Select(i => withZeros[i]).ToArray(), settings);
        // The row order differs (it permutes all rows), so the two runs meet at the same optimum, not bit for bit.
        for (int j = 0; j < x.Dimensions; j++) Assert.Equal(a.Weights[j], b.Weights[j], 4);
        Assert.Equal(a.Bias, b.Bias, 4);
    }

    [Theory]
    [InlineData(SvmLoss.Hinge)]
    [InlineData(SvmLoss.SquaredHinge)]
    public void AClassTrainedWithOthersIsBitIdenticalToItTrainedAlone(SvmLoss loss)
    {
        // Nine classes are split into one group per core; each class's steps depend only on its own state and the
        // seeded row order, so neither the other classes nor the thread split may change a single bit.
        var (x, labels) = SyntheticClusters.Make(200, 70, 9, 0.3, seed: 8); // 70 dims: whole vectors, pairs of them and a tail
        var settings = new SvmSettings(loss, 0.05, 2, 10, Tolerance: 0.01);
        var together = DualCoordinateDescentSvm.TrainOneVsRest(x, labels, settings, out var passes);
        Assert.Contains(passes, p => p > 1);
        for (int c = 0; c < labels.Classes; c++)
        {
            var alone = DualCoordinateDescentSvm.Train(x, labels.Of(c), settings, out int alonePasses);
            Assert.Equal(alone.Weights, together[c].Weights);
            Assert.Equal(alone.Bias, together[c].Bias);
            Assert.Equal(alonePasses, passes[c]);
        }
    }

    [Fact]
    public void BatchedNewtonReachesTheSameOptimumAsTightDualCoordinateDescent()
    {
        var (x, labels) = SyntheticClusters.Make(150, 40, 3, 0.3, seed: 6);
        var per = new sbyte[3][];
        for (int c = 0; c < 3; c++) { per[c] = labels.Of(c).ToArray(); per[c][c] = 0; } // some ignored labels too
        var l = new OneVsRestLabels(labels.ClassNames, per);
        var batched = BatchedNewtonSvm.Train(x, l, BatchedNewtonSvm.Tuned(SvmSettings.Probe with { C = 0.02, PositiveWeight = 2 }) with { Tolerance = 1e-6 });
        for (int c = 0; c < 3; c++)
        {
            var dual = DualCoordinateDescentSvm.Train(x, l.Of(c), new SvmSettings(SvmLoss.SquaredHinge, 0.02, 2, 10, Tolerance: 1e-7));
            for (int j = 0; j < x.Dimensions; j++) Assert.Equal(dual.Weights[j], batched[c].Weights[j], 3);
            Assert.Equal(dual.Bias, batched[c].Bias, 3);
        }
    }

    [Fact]
    public void BatchedNewtonRejectsHinge() =>
        Assert.Throws<ArgumentException>(() => BatchedNewtonSvm.Train(SyntheticClusters.Make(10, 4, 2, 1, 1).X,
            SyntheticClusters.Make(10, 4, 2, 1, 1).Labels, SvmSettings.RcnnDetection));
}
