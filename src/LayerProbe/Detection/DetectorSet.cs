using LayerProbe.Probes;

namespace LayerProbe.Detection;

/// <summary>
/// One linear detector per class, trained on one layer's region features (docs/method.md §6.4): a region's score for
/// class c is <c>Models[c].Decision(Scaling.Factor · x)</c>. A class without positives in the training split has no
/// model (null): it is named and skipped, never scored as 0 in a mean.
/// </summary>
/// <param name="Classes">Class names (devkit order).</param>
/// <param name="Models">The detector of each class, or null for a class that had no positives.</param>
/// <param name="Scaling">The feature scaling the detectors were trained with (applied to test rows too).</param>
/// <param name="Layer">The layer whose features the detectors read.</param>
public sealed record DetectorSet(IReadOnlyList<string> Classes, IReadOnlyList<LinearModel?> Models, FeatureScaling Scaling, string Layer)
{
    /// <summary>Indices of the classes that have a detector.</summary>
    public IEnumerable<int> TrainedClasses => Enumerable.Range(0, Classes.Count).Where(c => Models[c] is not null);
}
