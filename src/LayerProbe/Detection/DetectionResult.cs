using LayerProbe.Probes;

namespace LayerProbe.Detection;

/// <summary>
/// One class's outcome on the test split: whether it had a detector, its detections after pruning and NMS (image
/// order, best first within an image: the comp4 file's order), the devkit's matching and AP, and the final pruning
/// threshold.
/// </summary>
public sealed record ClassDetections(string ClassName, bool HasDetector, IReadOnlyList<Probes.Detection> Detections,
    DetectionMatch? Match, ApResult Ap, double Threshold);

/// <summary>
/// Detection AP of one layer's detectors on a test split (docs/method.md §6.5, §6.7): per class and the mean over the
/// classes that have a detector and test positives. Classes without a detector or without positives are named in
/// <see cref="Note"/>, never averaged in as 0.
/// </summary>
public sealed record DetectionResult(
    string Layer,
    IReadOnlyList<ClassDetections> Classes,
    MeanAp Mean,
    int Images,
    long ProposalsScored,
    double ScoringSeconds,
    DetectionSettings Settings)
{
    /// <summary>Classes without a detector (no positives in the training split).</summary>
    public IReadOnlyList<string> WithoutDetector => Classes.Where(c => !c.HasDetector).Select(c => c.ClassName).ToList();

    /// <summary>Proposals scored and suppressed per second (scoring + pruning + NMS, wall time).</summary>
    public double ProposalsPerSecond => ScoringSeconds > 0 ? ProposalsScored / ScoringSeconds : double.NaN;

    /// <summary>One line naming every class left out of the mean and why, or null when none is.</summary>
    public string? Note
    {
        get
        {
            var parts = new List<string>();
            if (WithoutDetector.Count > 0) parts.Add($"{string.Join(", ", WithoutDetector)} (no detector: no positives in training)");
            if (Mean.SkippedClasses.Count > 0) parts.Add($"{string.Join(", ", Mean.SkippedClasses)} (no positives in the test split)");
            if (Mean.UndefinedClasses.Count > 0) parts.Add($"{string.Join(", ", Mean.UndefinedClasses)} (AP NaN as in the devkit: every detection hit a difficult object)");
            return parts.Count == 0 ? null : $"mAP over {Mean.ValidClasses} classes; left out: {string.Join("; ", parts)}";
        }
    }
}
