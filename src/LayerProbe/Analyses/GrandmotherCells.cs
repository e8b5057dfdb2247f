using LayerProbe.Probes;
using LayerProbe.Reports;

namespace LayerProbe.Analyses;

/// <summary>How filters are ordered before the top-k SVMs (docs/method.md §5.2 step 3).</summary>
public enum FilterRankingCriterion
{
    /// <summary>Per class, by the filter's own AP for that class on the train items (default; final-paper reading).</summary>
    SingleFilterAp,
    /// <summary>Class-agnostic, by label entropy (variant R, low first) on the train items (draft §6.1 first version);
    /// needs exactly one class per item.</summary>
    LabelEntropy,
}

/// <summary>Options of <see cref="GrandmotherCells"/> (docs/method.md §5.2).</summary>
public sealed record GrandmotherCellOptions
{
    /// <summary>Numbers of top filters to train on (values above the filter count are dropped; "all" is always added).</summary>
    public IReadOnlyList<int> FilterCounts { get; init; } = [1, 2, 3, 4, 5, 8, 10, 15, 20, 25, 30, 40, 50, 64, 80, 100, 128, 160, 192, 224, 256];
    /// <summary>Linear SVM of the per-class probes (dual coordinate descent, squared hinge).</summary>
    public SvmSettings Svm { get; init; } = SvmSettings.Probe;
    /// <summary>Rank filters and report AP with the VOC2007 11-point AP (true) or the area AP (false).</summary>
    public bool ElevenPoint { get; init; } = true;
    /// <summary>Filter ordering criterion.</summary>
    public FilterRankingCriterion Ranking { get; init; } = FilterRankingCriterion.SingleFilterAp;
    /// <summary>How many best filters per class get a precision-at-rank row.</summary>
    public int BestFiltersShown { get; init; } = 5;
    /// <summary>Ranks at which precision is reported.</summary>
    public IReadOnlyList<int> PrecisionRanks { get; init; } = [10, 25, 50, 100, 250];
}

/// <summary>Result of <see cref="GrandmotherCells"/> for one class.</summary>
/// <param name="Class">Class name.</param>
/// <param name="FilterRanking">Filters by single-filter train AP, best first.</param>
/// <param name="SingleFilterAp">Train AP of each filter alone (indexed by filter).</param>
/// <param name="TestAp">Test AP of the SVM on the top-k filters, per k of <see cref="GrandmotherCellResult.FilterCounts"/>.</param>
/// <param name="K50">Smallest k reaching 50 % of the all-filter test AP (null if the class has no valid AP).</param>
/// <param name="K90">Smallest k reaching 90 %.</param>
public sealed record ClassFilterCurve(string Class, int[] FilterRanking, double[] SingleFilterAp, double[] TestAp, int? K50, int? K90);

/// <summary>All classes of one grandmother-cell run.</summary>
public sealed record GrandmotherCellResult(IReadOnlyList<int> FilterCounts, IReadOnlyList<ClassFilterCurve> Classes)
{
    /// <summary>Mean over classes of the test AP at each k (NaN classes skipped).</summary>
    public double[] MeanAp => FilterCounts.Select((_, j) =>
        Classes.Select(c => c.TestAp[j]).Where(v => !double.IsNaN(v)).DefaultIfEmpty(double.NaN).Average()).ToArray();
}

/// <summary>
/// E12, grandmother cells / how distributed the code is (docs/method.md §5.2): per class, filters (sp-max dimensions) are
/// ranked by their single-filter AP on the TRAIN items; a linear SVM per class is trained on the top-k filters for each
/// k and evaluated on the TEST items; k50/k90 = fewest filters reaching 50 %/90 % of the all-filter AP. Features are
/// rescaled to mean norm 20 (§6.3) separately for each filter subset, estimated on its training rows.
/// </summary>
public static class GrandmotherCells
{
    /// <summary>Computes the curves.</summary>
    public static GrandmotherCellResult Compute(IFeatureRows train, OneVsRestLabels trainLabels, IFeatureRows test,
        OneVsRestLabels testLabels, GrandmotherCellOptions options)
    {
        if (train.Dimensions != test.Dimensions) throw new LayerProbeException($"train has {train.Dimensions} filters, test {test.Dimensions}");
        if (train.Count != trainLabels.Count || test.Count != testLabels.Count) throw new LayerProbeException("rows and labels differ in count");
        int d = train.Dimensions;
        var counts = options.FilterCounts.Where(k => k >= 1 && k < d).Append(d).Distinct().Order().ToArray();
        var trainCols = ColumnMatrix.From(train);
        var testCols = ColumnMatrix.From(test);
        var classes = new ClassFilterCurve[trainLabels.Classes];
        int[]? byEntropy = options.Ranking == FilterRankingCriterion.LabelEntropy ? EntropyRanking(trainCols, trainLabels) : null;
        for (int c = 0; c < classes.Length; c++)
        {
            var singleAp = new double[d];
            var labels = trainLabels.Of(c).ToArray();
            Parallel.For(0, d, f => singleAp[f] = Ap(Widen(trainCols.Column(f)), labels, options));
            int[] ranking = byEntropy ?? Ranking.Descending(singleAp);
            var testAp = new double[counts.Length];
            var testLabelsOfC = testLabels.Of(c).ToArray();
            Parallel.For(0, counts.Length, j => // one single-class SVM per filter count, each on one core
            {
                var top = ranking.AsSpan(0, counts[j]);
                var (x, xTest) = Scaled(trainCols.Select(top), testCols.Select(top));
                var model = DualCoordinateDescentSvm.Train(x, labels, options.Svm);
                testAp[j] = Ap(model.Decisions(xTest), testLabelsOfC, options);
            });
            classes[c] = new ClassFilterCurve(trainLabels.ClassNames[c], ranking, singleAp, testAp,
                FewestReaching(0.5, counts, testAp), FewestReaching(0.9, counts, testAp));
        }
        return new GrandmotherCellResult(counts, classes);
    }

    static int[] EntropyRanking(ColumnMatrix columns, OneVsRestLabels labels)
    {
        var classOf = new int[labels.Count];
        for (int i = 0; i < classOf.Length; i++)
        {
            int found = -1;
            for (int c = 0; c < labels.Classes; c++)
                if (labels.Of(c)[i] > 0) found = found < 0 ? c : throw new LayerProbeException($"item {i} has several classes; entropy ranking needs one class per item");
            classOf[i] = found >= 0 ? found : throw new LayerProbeException($"item {i} has no class; entropy ranking needs one class per item");
        }
        var entropy = new double[columns.Dimensions];
        Parallel.For(0, entropy.Length, f => entropy[f] = -LabelEntropy.OfUnit(columns.Column(f), classOf, labels.Classes, EntropyThresholds.Rank));
        return Ranking.Descending(entropy); // lowest entropy first
    }

    /// <summary>Smallest k whose AP reaches <paramref name="fraction"/> of the AP with all filters (the last entry).</summary>
    public static int? FewestReaching(double fraction, IReadOnlyList<int> counts, IReadOnlyList<double> ap)
    {
        double all = ap[^1];
        if (double.IsNaN(all)) return null;
        for (int j = 0; j < counts.Count; j++) if (ap[j] >= fraction * all) return counts[j];
        return counts[^1];
    }

    /// <summary>Precision among the top <paramref name="rank"/> items ranked by <paramref name="scores"/> (ignored
    /// label-0 items skipped, as in VOC AP).</summary>
    public static double PrecisionAtRank(ReadOnlySpan<double> scores, ReadOnlySpan<sbyte> labels, int rank)
    {
        int seen = 0, hits = 0;
        foreach (int i in Ranking.Descending(scores))
        {
            if (labels[i] == 0) continue;
            if (labels[i] > 0) hits++;
            if (++seen == rank) break;
        }
        return seen == 0 ? double.NaN : (double)hits / seen;
    }

    /// <summary>Computes and writes tables, plots and the manifest.</summary>
    public static GrandmotherCellResult Run(IFeatureRows train, OneVsRestLabels trainLabels, IFeatureRows test, OneVsRestLabels testLabels,
        GrandmotherCellOptions options, string outputDirectory, Dictionary<string, string>? inputs = null)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var result = Compute(train, trainLabels, test, testLabels, options);
        var output = new AnalysisOutput(outputDirectory);
        string flavour = options.ElevenPoint ? "11-point" : "area";

        var apTable = new ResultTable($"Test AP (%, {flavour}) of per-class SVMs on each class's top-k filters", "class",
            result.FilterCounts.Select(k => $"k={k}").ToArray());
        foreach (var c in result.Classes) apTable.Add(c.Class, c.TestAp.Select(v => (double?)(100 * v)));
        apTable.Add("mean", result.MeanAp.Select(v => (double?)(100 * v)));
        output.Table(apTable, "ap-vs-filters");

        var needed = new ResultTable("Filters needed for 50% / 90% of the all-filter test AP", "class",
            ["AP all (%)", "k50", "k90", "best filter", "best filter train AP (%)"]) { Format = "F1" };
        foreach (var c in result.Classes)
            needed.Add(c.Class, [100 * c.TestAp[^1], c.K50, c.K90, c.FilterRanking[0], 100 * c.SingleFilterAp[c.FilterRanking[0]]]);
        output.Table(needed, "filters-needed");

        var precision = new ResultTable("Precision at rank (%) of each class's best filters (train items)", "class/filter",
            ["train AP (%)", .. options.PrecisionRanks.Select(r => $"P@{r}")]);
        var trainCols = ColumnMatrix.From(train);
        foreach (var (c, index) in result.Classes.Select((c, i) => (c, i)))
            foreach (int f in c.FilterRanking.Take(options.BestFiltersShown))
            {
                var scores = Widen(trainCols.Column(f));
                precision.Add($"{c.Class}/{f}", [100 * c.SingleFilterAp[f],
                    .. options.PrecisionRanks.Select(r => (double?)(100 * PrecisionAtRank(scores, trainLabels.Of(index), r)))]);
            }
        output.Table(precision, "precision-at-rank");

        var labels = result.FilterCounts.Select(k => k.ToString()).ToArray();
        output.Plot("ap-vs-filters", stem => Plots.Lines("Test AP vs number of top filters", "AP", labels,
            [("mean", result.MeanAp), .. result.Classes.Select(c => (c.Class, (IReadOnlyList<double>)c.TestAp))], stem));
        var names = result.Classes.Select(c => c.Class).ToArray();
        output.Plot("filters-needed-90", stem => Plots.Bars("Filters needed for 90% of all-filter AP", "k90", names,
            result.Classes.Select(c => (double)(c.K90 ?? 0)).ToArray(), stem));
        output.Plot("filters-needed-50", stem => Plots.Bars("Filters needed for 50% of all-filter AP", "k50", names,
            result.Classes.Select(c => (double)(c.K50 ?? 0)).ToArray(), stem));

        output.WriteManifest("grandmother-cells", new Dictionary<string, object?>
        {
            ["definition"] = "docs/method.md §5.2: filters ranked per class by single-filter train AP; SVM on top-k filters; AP on test",
            ["filterCounts"] = result.FilterCounts,
            ["svm"] = options.Svm,
            ["ap"] = flavour,
            ["ranking"] = options.Ranking.ToString(),
            ["scaling"] = "mean norm 20 per filter subset, estimated on its training rows",
            ["trainItems"] = train.Count,
            ["testItems"] = test.Count,
            ["filters"] = train.Dimensions,
            ["classes"] = trainLabels.ClassNames,
        }, inputs, new() { ["seconds"] = watch.Elapsed.TotalSeconds });
        return result;
    }

    static (IFeatureRows Train, IFeatureRows Test) Scaled(DenseFeatureRows train, DenseFeatureRows test)
    {
        FeatureScaling scaling;
        try { scaling = FeatureScaling.Estimate(train); }
        catch (ArgumentException) { return (train, test); } // all-zero filters: nothing to scale
        return (scaling.Apply(train), scaling.Apply(test));
    }

    static double Ap(ReadOnlySpan<double> scores, ReadOnlySpan<sbyte> labels, GrandmotherCellOptions options)
    {
        var ap = VocAp.Classification(scores, labels);
        return options.ElevenPoint ? ap.ElevenPoint : ap.Area;
    }

    static double[] Widen(ReadOnlySpan<float> values)
    {
        var d = new double[values.Length];
        for (int i = 0; i < d.Length; i++) d[i] = values[i];
        return d;
    }
}
