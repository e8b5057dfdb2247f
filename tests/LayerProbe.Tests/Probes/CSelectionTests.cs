using LayerProbe.Probes;

namespace LayerProbe.Tests.Probes;

public class CSelectionTests
{
    [Fact]
    public void PicksTheBestValidationMapAndRetrainsOnTrainPlusVal()
    {
        var (x, labels) = SyntheticClusters.Make(240, 60, 3, 0.2, seed: 8);
        var scaling = FeatureScaling.Estimate(x);
        var xs = scaling.Apply(x);
        int[] train = Enumerable.Range(0, 240).Where(i => i % 2 == 0).ToArray();
        int[] val = Enumerable.Range(0, 240).Where(i => i % 2 == 1).ToArray();
        var settings = BatchedNewtonSvm.Tuned(SvmSettings.Probe with { PositiveWeight = 2 });
        var progress = new List<string>();
        var (models, record) = CSelection.SelectAndRetrain(xs, labels, train, val, settings, BatchedNewtonSvm.Train, "batched-newton", scaling: scaling,
            progress: progress.Add);
        // the solver phase is not silent: one line per C as it finishes (with the validation mAP it reached), then the retraining
        Assert.Equal(CSelection.RcnnGrid.Count + 1, progress.Count);
        Assert.StartsWith("C 0.0001: validation mAP ", progress[0]);
        Assert.Contains($"7/7 of the grid", progress[6]);
        Assert.StartsWith($"retraining on train + validation at C {record.ChosenC:G3}", progress[^1]);

        Assert.Equal(CSelection.RcnnGrid, record.Grid.Select(p => p.C));
        Assert.Equal(record.Grid.Max(p => p.ValidationMeanAp), record.Grid.First(p => p.C == record.ChosenC).ValidationMeanAp);
        Assert.Equal(record.ChosenC, record.FinalSettings.C);
        Assert.Same(scaling, record.Scaling);
        Assert.Equal((120, 120), (record.TrainItems, record.ValidationItems));

        // One grid point recomputed directly: train on train, 11-point AP per class on val, mean.
        double c0 = record.Grid[3].C;
        var direct = BatchedNewtonSvm.Train(new FeatureRowSubset(xs, train), labels.Subset(train), settings with { C = c0 });
        double map = Enumerable.Range(0, 3).Average(k =>
            VocAp.Classification(direct[k].Decisions(new FeatureRowSubset(xs, val)), labels.Subset(val).Of(k)).ElevenPoint);
        Assert.Equal(map, record.Grid[3].ValidationMeanAp, 12);

        // Final models = training on train ∪ val with the chosen C.
        var all = train.Concat(val).ToArray();
        var again = BatchedNewtonSvm.Train(new FeatureRowSubset(xs, all), labels.Subset(all), record.FinalSettings);
        Assert.Equal(again[1].Weights, models[1].Weights);
        // The grid is not flat on this problem (otherwise the test would prove little).
        Assert.True(record.Grid.Max(p => p.ValidationMeanAp) - record.Grid.Min(p => p.ValidationMeanAp) > 0.01);
    }

    [Fact]
    public void ClassesWithoutValidationPositivesAreNamed()
    {
        var (x, labels) = SyntheticClusters.Make(60, 10, 2, 1, seed: 1);
        var per = new[] { labels.Of(0).ToArray(), labels.Of(1).ToArray() };
        int[] train = Enumerable.Range(0, 40).ToArray(), val = Enumerable.Range(40, 20).ToArray();
        foreach (int i in val) per[1][i] = -1;
        var l = new OneVsRestLabels(["a", "b"], per);
        var (_, record) = CSelection.SelectAndRetrain(x, l, train, val, BatchedNewtonSvm.Tuned(SvmSettings.Probe with { PositiveWeight = 2 }), BatchedNewtonSvm.Train, "batched-newton", grid: [0.01]);
        Assert.Equal(["b"], record.Grid[0].SkippedClasses);
    }
}
