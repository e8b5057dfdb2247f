using LayerProbe.Probes;

namespace LayerProbe.Tests.Probes;

/// <summary>
/// Warm starts of the dual CD solver (<see cref="DualClassGroup"/>), as detector retraining uses them: started from the
/// optimum it stops within a few passes (float sums of w in another order move the gradients by rounding); started from the dual variables of a problem that lost easy rows and gained a few new
/// ones it reaches the cold-start optimum of the new problem. (It does not always take fewer passes: on this overlapping
/// problem at eps 0.1 warm starts took 20–26 passes against 27–29 cold, at eps 1e-3 more than cold — the tail to the
/// tolerance dominates; see the detectors benchmark for the time it saves in mining.)
/// </summary>
public class DualWarmStartTests(Xunit.Abstractions.ITestOutputHelper output)
{
    static readonly SvmSettings Settings = new(SvmLoss.Hinge, 0.01, 2, 10, Tolerance: 1e-5, MaxIterations: 100_000);

    static (DualClassGroup Group, IFeatureRows Rows) Solve(float[] data, int[] rows, sbyte[] labels, int d, double[]? alpha)
    {
        var x = new FeatureRowSubset(new DenseFeatureRows(data, data.Length / d, d), rows);
        var norms = Enumerable.Range(0, rows.Length).Select(i => { var r = x.Row(i); return r.ToArray().Sum(v => (double)v * v); }).ToArray();
        var group = new DualClassGroup(x, rows.Select(r => labels[r]).ToArray(), 1, Settings, norms, alpha);
        group.Solve();
        return (group, x);
    }

    static void AssertSameModel(LinearModel a, LinearModel b)
    {
        double scale = b.Weights.Max(v => Math.Abs(v));
        Assert.True(a.Weights.Zip(b.Weights, (p, q) => Math.Abs(p - q)).Max() <= 1e-3 * scale);
        Assert.Equal(b.Bias, a.Bias, 2);
    }

    [Fact]
    public void WarmStartFromTheOptimumStopsAtOnceAndFromAChangedProblemReachesItsOptimum()
    {
        var (x, labels) = SyntheticClusters.Make(n: 700, d: 30, k: 3, separation: 0.5, seed: 4);
        int d = x.Dimensions;
        var data = Enumerable.Range(0, x.Count).SelectMany(i => x.Row(i).ToArray()).ToArray();
        var y = labels.Of(0).ToArray();
        var first = Enumerable.Range(0, 600).ToArray();
        var (cold, _) = Solve(data, first, y, d, null);
        var alpha = first.Select((_, i) => cold.Alpha(i, 0)).ToArray();

        var (again, _) = Solve(data, first, y, d, alpha);
        AssertSameModel(again.Model(0), cold.Model(0));
        Assert.True(again.Passes(0) <= 3 && cold.Passes(0) >= 10, $"{again.Passes(0)} passes from the optimum, {cold.Passes(0)} from zero");

        // Drop the negatives with α = 0 among the first 300 rows (easy ones, as eviction does), add rows 600–699 (new ones, α = 0).
        var kept = first.Where(i => i >= 300 || y[i] > 0 || alpha[i] > 0).ToArray();
        var next = kept.Concat(Enumerable.Range(600, 100)).ToArray();
        var warmAlpha = kept.Select(i => alpha[i]).Concat(new double[100]).ToArray();
        var (warm, _) = Solve(data, next, y, d, warmAlpha);
        var (fresh, _) = Solve(data, next, y, d, null);
        AssertSameModel(warm.Model(0), fresh.Model(0));
        Assert.True(kept.Length < 550, $"{600 - kept.Length} rows dropped");
        output.WriteLine($"changed problem: warm start {warm.Passes(0)} passes, cold {fresh.Passes(0)}");
    }
}
