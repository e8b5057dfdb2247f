using LayerProbe.Probes;

namespace LayerProbe.Analyses.Heads;

/// <summary>A classifier put on top of stored features: trained on train rows, scores test rows, one score column per
/// class (one-vs-rest), so every head is evaluated by the same VOC AP.</summary>
public interface IProbeHead
{
    /// <summary>Name for tables.</summary>
    string Name { get; }
    /// <summary>Settings recorded in manifests.</summary>
    IReadOnlyDictionary<string, object?> Settings { get; }
    /// <summary>Trains on <paramref name="train"/> and returns scores[class][test item].</summary>
    double[][] FitAndScore(IFeatureRows train, OneVsRestLabels trainLabels, IFeatureRows test);
}
