using LayerProbe.Data;

namespace LayerProbe.Probes;

/// <summary>A scored detection of one class in one image.</summary>
public readonly record struct Detection(string ImageId, PixelBox Box, double Score);

/// <summary>A ground-truth object of one class in one image; difficult objects neither count nor penalise.</summary>
public readonly record struct GroundTruthObject(string ImageId, PixelBox Box, bool Difficult);

/// <summary>
/// Detection AP of one class per <c>VOCevaldet</c> (docs/method.md §6.7): detections ranked by score (descending, ties in
/// input order); each is matched to the GT object of its image with maximum IoU (+1 convention; on equal IoU the
/// first GT in input order). IoU ≥ <c>minOverlap</c>: difficult GT → detection ignored; unmatched GT → TP (GT marked);
/// already matched → FP (duplicate). Otherwise FP. npos = number of non-difficult GT objects. When detections exist
/// but all of them hit difficult objects the 11-point AP is NaN, as the devkit's (see <see cref="VocAp"/>).
/// </summary>
public static class VocDetectionAp
{
    /// <summary>The devkit's overlap criterion (≥ 0.5).</summary>
    public const double DefaultMinOverlap = 0.5;

    /// <summary>AP of one class from all its detections and all its GT objects over the test set.</summary>
    public static ApResult Evaluate(IReadOnlyList<Detection> detections, IReadOnlyList<GroundTruthObject> groundTruth,
        double minOverlap = DefaultMinOverlap)
    {
        var m = Match(detections, groundTruth, minOverlap);
        return VocAp.FromRankedOutcomes(m.Outcomes, m.Positives, m.Ignored); // all ignored: NaN, as the devkit
    }

    /// <summary>
    /// The devkit's matching of one class: the ranked outcomes (true = TP, false = FP; detections of difficult objects
    /// left out and counted in <see cref="DetectionMatch.Ignored"/>) and npos — what AP and the precision–recall curve
    /// are computed from.
    /// </summary>
    public static DetectionMatch Match(IReadOnlyList<Detection> detections, IReadOnlyList<GroundTruthObject> groundTruth,
        double minOverlap = DefaultMinOverlap)
    {
        var gtByImage = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        int npos = 0;
        for (int g = 0; g < groundTruth.Count; g++)
        {
            if (!gtByImage.TryGetValue(groundTruth[g].ImageId, out var list)) gtByImage[groundTruth[g].ImageId] = list = [];
            list.Add(g);
            if (!groundTruth[g].Difficult) npos++;
        }
        var scores = new double[detections.Count];
        for (int d = 0; d < scores.Length; d++) scores[d] = detections[d].Score;
        var matched = new bool[groundTruth.Count];
        var outcomes = new List<bool>(detections.Count);
        int ignored = 0;
        foreach (int d in Ranking.Descending(scores))
        {
            var det = detections[d];
            double best = double.NegativeInfinity;
            int bestGt = -1;
            if (gtByImage.TryGetValue(det.ImageId, out var candidates))
                foreach (int g in candidates)
                {
                    if (BoxOverlap.Intersection(det.Box, groundTruth[g].Box) <= 0) continue;
                    double ov = BoxOverlap.IoU(det.Box, groundTruth[g].Box);
                    if (ov > best) { best = ov; bestGt = g; }
                }
            if (bestGt >= 0 && best >= minOverlap)
            {
                if (groundTruth[bestGt].Difficult) { ignored++; continue; } // ignored: neither TP nor FP
                if (!matched[bestGt]) { matched[bestGt] = true; outcomes.Add(true); }
                else outcomes.Add(false); // duplicate
            }
            else outcomes.Add(false);
        }
        return new DetectionMatch(outcomes, npos, ignored);
    }
}

/// <summary>Ranked outcomes of one class's detections (true = TP), the number of non-difficult GT objects, and how
/// many detections hit difficult objects (neither TP nor FP).</summary>
public sealed record DetectionMatch(IReadOnlyList<bool> Outcomes, int Positives, int Ignored)
{
    /// <summary>Recall and precision after each ranked outcome (the precision–recall curve).</summary>
    public (double[] Recall, double[] Precision) Curve()
    {
        var recall = new double[Outcomes.Count];
        var precision = new double[Outcomes.Count];
        int tp = 0;
        for (int r = 0; r < Outcomes.Count; r++)
        {
            if (Outcomes[r]) tp++;
            recall[r] = Positives > 0 ? (double)tp / Positives : double.NaN;
            precision[r] = (double)tp / (r + 1);
        }
        return (recall, precision);
    }
}
