using LayerProbe.Probes;

namespace LayerProbe.Analyses.Heads;

/// <summary>
/// The paper's probe: per-class linear SVMs (liblinear's dual coordinate descent, squared hinge, all classes per pass) on features rescaled to mean norm 20
/// (docs/method.md §6.3), optionally after an explicit kernel <see cref="Map"/> (then it approximates a kernel SVM).
/// </summary>
public sealed class LinearHead(SvmSettings? svm = null, IFeatureMap? map = null) : IProbeHead
{
    /// <summary>SVM settings.</summary>
    public SvmSettings Svm { get; } = svm ?? SvmSettings.Probe;
    /// <summary>Feature map applied first (null: the features themselves).</summary>
    public IFeatureMap? Map { get; } = map;
    /// <inheritdoc/>
    public string Name => Map is null ? "linear" : $"{Map.Name}+linear";
    /// <inheritdoc/>
    public IReadOnlyDictionary<string, object?> Settings => new Dictionary<string, object?>(Map?.Settings ?? new Dictionary<string, object?>())
    {
        ["head"] = Name, ["svm"] = Svm, ["scaling"] = "mean norm 20 on train rows",
    };

    /// <summary>Mapped rows are materialised when they fit this many bytes, else mapped again on every read (χ² on
    /// unrolled pool5 is 7 × 9,216 values per item).</summary>
    public long MaterializeBudgetBytes { get; init; } = 512L << 20;

    IFeatureRows Mapped(IFeatureRows rows)
    {
        var mapped = new MappedFeatureRows(rows, Map!);
        return (long)mapped.Count * mapped.Dimensions * sizeof(float) <= MaterializeBudgetBytes ? mapped.Materialize() : mapped;
    }

    /// <inheritdoc/>
    public double[][] FitAndScore(IFeatureRows train, OneVsRestLabels trainLabels, IFeatureRows test)
    {
        if (Map is not null)
        {
            train = Mapped(train);
            test = Mapped(test);
        }
        var scaling = FeatureScaling.Estimate(train);
        var models = DualCoordinateDescentSvm.TrainOneVsRest(scaling.Apply(train), trainLabels, Svm);
        var scaledTest = scaling.Apply(test);
        return models.Select(m => m.Decisions(scaledTest)).ToArray();
    }
}
