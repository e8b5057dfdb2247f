namespace LayerProbe.Probes;

/// <summary>A solver for all classes of a one-vs-rest task (e.g. <see cref="BatchedNewtonSvm.Train(IFeatureRows, OneVsRestLabels, SvmSettings)"/>).</summary>
public delegate LinearModel[] OneVsRestTrainer(IFeatureRows x, OneVsRestLabels labels, SvmSettings settings);

/// <summary>Validation mAP (11-point, VOCevalcls) of one C of the grid.</summary>
public sealed record CGridPoint(double C, double ValidationMeanAp, IReadOnlyList<string> SkippedClasses);

/// <summary>
/// Everything needed to reproduce a probe's training, for the manifest: solver, grid results, chosen C, final settings
/// (with that C), the feature scaling used (if any) and the split sizes.
/// </summary>
public sealed record ProbeTrainingRecord(string Solver, IReadOnlyList<CGridPoint> Grid, double ChosenC, SvmSettings FinalSettings,
    FeatureScaling? Scaling, int TrainItems, int ValidationItems);

/// <summary>
/// C selection (docs/method.md §2.1): train on the train split for every C of the grid, score the validation split,
/// pick the C with the highest validation mAP (ties → the earlier grid value), then retrain on train ∪ val.
/// </summary>
public static class CSelection
{
    /// <summary>The grid used for PASCAL-CLS: {1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1}.</summary>
    public static IReadOnlyList<double> RcnnGrid { get; } = [1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1];

    /// <summary>
    /// Runs the selection; <paramref name="x"/> and <paramref name="labels"/> cover both splits. <paramref name="progress"/>
    /// (if given) hears one line per C tried and one before the final retraining, so minutes of solving are not silent.
    /// </summary>
    public static (LinearModel[] Models, ProbeTrainingRecord Record) SelectAndRetrain(IFeatureRows x, OneVsRestLabels labels,
        int[] train, int[] validation, SvmSettings settings, OneVsRestTrainer trainer, string solverName,
        IReadOnlyList<double>? grid = null, FeatureScaling? scaling = null, Action<string>? progress = null)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        grid ??= RcnnGrid;
        if (grid.Count == 0) throw new ArgumentException("empty C grid");
        var xTrain = new FeatureRowSubset(x, train);
        var xVal = new FeatureRowSubset(x, validation);
        var lTrain = labels.Subset(train);
        var lVal = labels.Subset(validation);
        var points = new List<CGridPoint>();
        foreach (double c in grid)
        {
            var models = trainer(xTrain, lTrain, settings with { C = c });
            var aps = new List<(string, ApResult)>();
            for (int k = 0; k < models.Length; k++)
                aps.Add((labels.ClassNames[k], VocAp.Classification(models[k].Decisions(xVal), lVal.Of(k))));
            var m = MeanAp.Of(aps);
            points.Add(new CGridPoint(c, m.ElevenPoint, m.SkippedClasses));
            progress?.Invoke($"C {c:G3}: validation mAP {100 * m.ElevenPoint:F1} ({points.Count}/{grid.Count} of the grid, {clock.Elapsed.TotalSeconds:F0} s)");
        }
        var best = points.Where(p => !double.IsNaN(p.ValidationMeanAp)).MaxBy(p => p.ValidationMeanAp)
            ?? throw new ArgumentException("no class has validation positives: cannot select C");
        var final = settings with { C = best.C };
        if (grid.Count > 1) progress?.Invoke($"retraining on train + validation at C {best.C:G3}");
        var all = train.Concat(validation).ToArray();
        var finalModels = trainer(new FeatureRowSubset(x, all), labels.Subset(all), final);
        return (finalModels, new ProbeTrainingRecord(solverName, points, best.C, final, scaling, train.Length, validation.Length));
    }
}
