using LayerProbe.Analyses;
using LayerProbe.Probes;

namespace LayerProbe.Tests.Analyses;

public class GrandmotherCellTests
{
    // 20 filters, classes A, B, C. Filter 0 is a perfect detector of A; B shifts filters 1..16 by 0.35 each (weak
    // alone, strong together); the rest is noise.
    static (DenseFeatureRows X, OneVsRestLabels Labels) Make(int n, int seed)
    {
        var rng = new Random(seed);
        const int d = 20;
        var data = new float[n * d];
        var cls = new int[n];
        for (int i = 0; i < n; i++)
        {
            cls[i] = i % 3;
            for (int f = 0; f < d; f++) data[i * d + f] = (float)Gauss(rng);
            data[i * d] = cls[i] == 0 ? 5 + (float)rng.NextDouble() : (float)rng.NextDouble();
            if (cls[i] == 1) for (int f = 1; f <= 16; f++) data[i * d + f] += 0.35f;
        }
        return (new DenseFeatureRows(data, n, d), OneVsRestLabels.FromClassIndices(["A", "B", "C"], cls));
    }

    static double Gauss(Random r) => Math.Sqrt(-2 * Math.Log(1 - r.NextDouble())) * Math.Cos(2 * Math.PI * r.NextDouble());

    [Fact]
    public void A_perfect_filter_is_a_grandmother_cell_and_a_distributed_class_needs_many()
    {
        var (train, trainLabels) = Make(900, 1);
        var (test, testLabels) = Make(900, 2);
        var result = GrandmotherCells.Compute(train, trainLabels, test, testLabels, new GrandmotherCellOptions { Svm = BatchedNewtonSvm.Tuned(SvmSettings.Probe with { C = 0.1, PositiveWeight = 2 }) });
        Assert.Equal([1, 2, 3, 4, 5, 8, 10, 15, 20], result.FilterCounts);
        var a = result.Classes[0];
        var b = result.Classes[1];
        Assert.Equal(0, a.FilterRanking[0]);
        Assert.Equal(1.0, a.SingleFilterAp[0], 9);
        Assert.Equal(1, a.K50);
        Assert.Equal(1, a.K90);
        Assert.True(a.TestAp[0] > 0.99);
        Assert.InRange(b.FilterRanking[0], 1, 16);
        Assert.True(b.K90 >= 5, $"k90(B) = {b.K90}");
        Assert.True(b.TestAp[^1] > b.TestAp[0] + 0.15, $"B: all {b.TestAp[^1]:F3} vs one {b.TestAp[0]:F3}");
    }

    [Fact]
    public void Entropy_ranking_is_class_agnostic_and_puts_the_perfect_detector_first()
    {
        var (train, trainLabels) = Make(600, 5);
        var (test, testLabels) = Make(600, 6);
        var result = GrandmotherCells.Compute(train, trainLabels, test, testLabels,
            new GrandmotherCellOptions { Ranking = FilterRankingCriterion.LabelEntropy, FilterCounts = [1, 2, 4] });
        Assert.All(result.Classes, c => Assert.Equal(result.Classes[0].FilterRanking, c.FilterRanking));
        Assert.Equal(0, result.Classes[0].FilterRanking[0]);
        Assert.Equal(1, result.Classes[0].K50);
    }

    [Fact]
    public void FewestReaching_and_precision_at_rank_known_answers()
    {
        Assert.Equal(3, GrandmotherCells.FewestReaching(0.5, [1, 2, 3, 4], [0.1, 0.2, 0.4, 0.8]));
        Assert.Equal(4, GrandmotherCells.FewestReaching(0.9, [1, 2, 3, 4], [0.1, 0.2, 0.4, 0.8]));
        Assert.Null(GrandmotherCells.FewestReaching(0.5, [1, 2], [0.1, double.NaN]));
        // ranked: 0.9(+) 0.8(0, skipped) 0.7(−) 0.6(+) 0.1(−)
        double[] s = [0.1, 0.9, 0.6, 0.8, 0.7];
        sbyte[] y = [-1, 1, 1, 0, -1];
        Assert.Equal(1.0, GrandmotherCells.PrecisionAtRank(s, y, 1));
        Assert.Equal(0.5, GrandmotherCells.PrecisionAtRank(s, y, 2));
        Assert.Equal(2.0 / 3, GrandmotherCells.PrecisionAtRank(s, y, 3), 12);
        Assert.Equal(0.5, GrandmotherCells.PrecisionAtRank(s, y, 10));
    }

    [Fact]
    public void Run_writes_tables_plots_and_manifest()
    {
        var (train, trainLabels) = Make(150, 3);
        var (test, testLabels) = Make(150, 4);
        var dir = Path.Combine(Path.GetTempPath(), "lp-gm-" + Guid.NewGuid().ToString("N"));
        try
        {
            GrandmotherCells.Run(train, trainLabels, test, testLabels, new GrandmotherCellOptions { FilterCounts = [1, 5] }, dir);
            foreach (var f in new[] { "ap-vs-filters.md", "filters-needed.csv", "precision-at-rank.json", "filters-needed-90.png", "manifest.json" })
                Assert.True(File.Exists(Path.Combine(dir, f)), f);
        }
        finally { if (Directory.Exists(dir)) Directory.Delete(dir, true); }
    }
}
