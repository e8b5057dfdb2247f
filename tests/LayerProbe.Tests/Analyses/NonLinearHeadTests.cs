using LayerProbe.Analyses;
using LayerProbe.Analyses.Heads;
using LayerProbe.Probes;

namespace LayerProbe.Tests.Analyses;

public class NonLinearHeadTests
{
    [Theory]
    [InlineData(AdditiveKernel.ChiSquared, 0.02)]
    [InlineData(AdditiveKernel.Intersection, 0.1)]
    public void Additive_map_inner_products_approximate_the_kernel(AdditiveKernel kernel, double tolerance)
    {
        var map = new AdditiveKernelMap(kernel, order: 3, period: 0.5);
        var px = new float[7];
        var py = new float[7];
        foreach (var (x, y) in new[] { (1.0, 1.0), (0.5, 2.0), (3.0, 1.5), (0.2, 0.3), (2.0, 5.0) })
        {
            map.Map([(float)x], px);
            map.Map([(float)y], py);
            double approx = px.Zip(py, (a, b) => (double)a * b).Sum();
            double exact = AdditiveKernelMap.Exact(kernel, x, y);
            Assert.True(Math.Abs(approx - exact) <= tolerance * Math.Sqrt(x * y) * 2, $"{kernel} k({x},{y}) = {exact:F4}, map gives {approx:F4}");
        }
        map.Map([0f], px);
        Assert.All(px, v => Assert.Equal(0f, v));
    }

    [Fact]
    public void Random_fourier_features_approximate_the_rbf_kernel()
    {
        var rff = new RandomFourierFeatures(3, 4000, gamma: 0.5, seed: 3);
        float[] x = [0.1f, 0.5f, -0.2f], y = [0.4f, -0.3f, 0.2f];
        var zx = new float[4000];
        var zy = new float[4000];
        rff.Map(x, zx);
        rff.Map(y, zy);
        double d2 = x.Zip(y, (a, b) => (double)(a - b) * (a - b)).Sum();
        Assert.Equal(Math.Exp(-0.5 * d2), zx.Zip(zy, (a, b) => (double)a * b).Sum(), 0.05);
    }

    // XOR in the first two dimensions (+ 2 noise dimensions): positive iff x1·x2 > 0.
    static (DenseFeatureRows, OneVsRestLabels) Xor(int n, int seed)
    {
        var rng = new Random(seed);
        var data = new float[n * 4];
        var labels = new sbyte[n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < 4; j++) data[i * 4 + j] = (float)(2 * rng.NextDouble() - 1);
            labels[i] = (sbyte)(data[i * 4] * data[i * 4 + 1] > 0 ? 1 : -1);
        }
        return (new DenseFeatureRows(data, n, 4), new OneVsRestLabels(["xor"], [labels]));
    }

    // A band on non-negative inputs (additive kernels cannot represent XOR): positive iff 1 ≤ x1 ≤ 2.
    static (DenseFeatureRows, OneVsRestLabels) Band(int n, int seed)
    {
        var rng = new Random(seed);
        var data = new float[n * 3];
        var labels = new sbyte[n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < 3; j++) data[i * 3 + j] = (float)(4 * rng.NextDouble());
            labels[i] = (sbyte)(data[i * 3] is >= 1 and <= 2 ? 1 : -1);
        }
        return (new DenseFeatureRows(data, n, 3), new OneVsRestLabels(["band"], [labels]));
    }

    [Fact]
    public void Rbf_features_and_mlp_beat_a_linear_probe_on_xor()
    {
        var (train, trainLabels) = Xor(800, 1);
        var (test, testLabels) = Xor(800, 2);
        var svm = BatchedNewtonSvm.Tuned(SvmSettings.Probe with { C = 1 });
        var results = NonLinearHeads.Compare(train, trainLabels, test, testLabels,
            [new LinearHead(svm), new LinearHead(svm, new RandomFourierFeatures(4, 500, gamma: 2)), new MlpHead(new MlpSettings(Hidden: 32, Epochs: 60))]);
        double linear = results[0].Mean.Area, rff = results[1].Mean.Area, mlp = results[2].Mean.Area;
        Assert.True(linear < 0.65, $"linear {linear:F3}");
        Assert.True(rff > 0.9, $"rff {rff:F3}");
        Assert.True(mlp > 0.9, $"mlp {mlp:F3}");
    }

    [Fact]
    public void Additive_kernel_maps_beat_a_linear_probe_on_a_band()
    {
        var (train, trainLabels) = Band(800, 3);
        var (test, testLabels) = Band(800, 4);
        var svm = BatchedNewtonSvm.Tuned(SvmSettings.Probe with { C = 1 });
        var results = NonLinearHeads.Compare(train, trainLabels, test, testLabels,
            [new LinearHead(svm), new LinearHead(svm, new AdditiveKernelMap(AdditiveKernel.ChiSquared)), new LinearHead(svm, new AdditiveKernelMap(AdditiveKernel.Intersection)),
             new LinearHead(svm, new AdditiveKernelMap(AdditiveKernel.ChiSquared)) { MaterializeBudgetBytes = 0 }]);
        double linear = results[0].Mean.Area;
        Assert.True(linear < 0.45, $"linear {linear:F3}");
        Assert.True(results[1].Mean.Area > linear + 0.3, $"chi2 {results[1].Mean.Area:F3} vs linear {linear:F3}");
        Assert.True(results[2].Mean.Area > linear + 0.3, $"intersection {results[2].Mean.Area:F3} vs linear {linear:F3}");
        Assert.Equal(results[1].Mean.Area, results[3].Mean.Area, 6); // streamed map = materialised map
    }
}
