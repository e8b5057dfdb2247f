using LayerProbe.Analyses;
using LayerProbe.Features.Transforms;
using LayerProbe.Probes;

namespace LayerProbe.Tests.Analyses;

public class LabelEntropyTests
{
    static readonly double H23 = Math.Log2(3) - 2.0 / 3; // H(2/3, 1/3)

    [Fact]
    public void Rank_variant_hand_computed_with_a_tie_at_the_cut()
    {
        // N = 4: k 1..25 → top 1 {5}: H 0; k 26..50 → top 2, but the cut value 4 is tied → {5,4,4}: H(2/3,1/3);
        // k 51..75 → top 3 = {5,4,4}; k 76..100 → all: H 1.  E = (25·0 + 50·H23 + 25·1) / 100.
        float[] a = [4, 5, 1, 4];
        int[] y = [0, 0, 1, 1];
        var curve = LabelEntropy.Curve(a, y, 2, EntropyThresholds.Rank);
        Assert.Equal(0, curve[24], 12);
        Assert.Equal(H23, curve[25], 12);
        Assert.Equal(H23, curve[74], 12);
        Assert.Equal(1, curve[75], 12);
        Assert.Equal((50 * H23 + 25) / 100, LabelEntropy.OfUnit(a, y, 2, EntropyThresholds.Rank), 12);
    }

    [Fact]
    public void Value_variant_hand_computed()
    {
        // t_k = 5 − 0.04k: k 1..24 → {5}; k 25..99 → {5,4,4}; k 100 → all.  E = (75·H23 + 1) / 100.
        float[] a = [4, 5, 1, 4];
        int[] y = [0, 0, 1, 1];
        Assert.Equal((75 * H23 + 1) / 100, LabelEntropy.OfUnit(a, y, 2, EntropyThresholds.Value), 12);
    }

    [Fact]
    public void Item_order_does_not_change_the_entropy()
    {
        var rng = new Random(9);
        int n = 300;
        var a = Enumerable.Range(0, n).Select(_ => (float)rng.Next(6)).ToArray(); // many ties
        var y = Enumerable.Range(0, n).Select(_ => rng.Next(4)).ToArray();
        var perm = Enumerable.Range(0, n).ToArray();
        rng.Shuffle(perm);
        foreach (var v in new[] { EntropyThresholds.Rank, EntropyThresholds.Value })
            Assert.Equal(LabelEntropy.OfUnit(a, y, 4, v), LabelEntropy.OfUnit(perm.Select(i => a[i]).ToArray(), perm.Select(i => y[i]).ToArray(), 4, v), 12);
    }

    [Fact]
    public void A_dead_unit_has_the_prior_entropy_because_all_ties_are_included()
    {
        float[] a = new float[8];
        int[] y = [0, 1, 2, 3, 0, 1, 2, 3];
        Assert.Equal(2, LabelEntropy.OfUnit(a, y, 4, EntropyThresholds.Rank), 12);
        Assert.Equal(2, LabelEntropy.Prior(y, 4), 12);
    }

    [Fact]
    public void A_class_detector_has_lower_entropy_than_a_random_unit()
    {
        var rng = new Random(5);
        int n = 1000, classes = 10;
        var y = Enumerable.Range(0, n).Select(i => i % classes).ToArray();
        var detector = y.Select(c => c == 3 ? 1 + (float)rng.NextDouble() : (float)rng.NextDouble()).ToArray();
        var random = y.Select(_ => (float)rng.NextDouble()).ToArray();
        foreach (var v in new[] { EntropyThresholds.Rank, EntropyThresholds.Value })
        {
            double eDet = LabelEntropy.OfUnit(detector, y, classes, v), eRnd = LabelEntropy.OfUnit(random, y, classes, v);
            Assert.True(eDet < eRnd - 0.5, $"{v}: detector {eDet:F3} vs random {eRnd:F3}");
            Assert.InRange(eRnd, 3.0, Math.Log2(classes) + 1e-9);
        }
    }

    [Fact]
    public void Analysis_uses_channel_max_units_and_writes_reports()
    {
        // 2 channels × 2 positions; channel 0's max separates class 0, channel 1 is constant
        int n = 40;
        var y = Enumerable.Range(0, n).Select(i => i % 2).ToArray();
        var data = new float[n * 4];
        for (int i = 0; i < n; i++) { data[i * 4 + 1] = y[i] == 0 ? 2 + i : 1; data[i * 4 + 2] = 3; data[i * 4 + 3] = 3; }
        var layer = new EntropyLayer("net", "pool5", new DenseFeatureRows(data, n, 4), new FeatureShape(2, 1, 2));
        var dir = Path.Combine(Path.GetTempPath(), "lp-entropy-" + Guid.NewGuid().ToString("N"));
        try
        {
            var results = LabelEntropyAnalysis.Run([layer], y, ["a", "b"], new LabelEntropyOptions(), dir);
            var rank = results.Single(r => r.Variant == EntropyThresholds.Rank);
            Assert.Equal(2, rank.Entropies.Length);
            Assert.True(rank.Entropies[0] < 0.6);
            Assert.Equal(1, rank.Entropies[1], 12);
            foreach (var f in new[] { "entropy-summary.md", "entropy-curves.png", "entropy-mean-per-layer.csv", "entropy-per-unit.json", "manifest.json" })
                Assert.True(File.Exists(Path.Combine(dir, f)), f);
            var perPosition = LabelEntropyAnalysis.Compute([layer], y, 2, new LabelEntropyOptions { Units = UnitKind.Position });
            Assert.Equal(4, perPosition[0].Entropies.Length);
        }
        finally { if (Directory.Exists(dir)) Directory.Delete(dir, true); }
    }
}
