using LayerProbe.Data;
using LayerProbe.Probes;

namespace LayerProbe.Proposals;

/// <summary>
/// How well proposals cover ground-truth boxes (Uijlings et al. 2013): recall = the share of GT boxes whose best
/// proposal has IoU ≥ a threshold (0.5), and MABO = the mean over GT boxes of the best IoU (the mean average best
/// overlap, here over all boxes of all classes). IoU is <see cref="BoxOverlap"/>'s (+1 convention).
/// </summary>
public static class ProposalQuality
{
    /// <summary>Best IoU of each GT box with any of the proposals.</summary>
    public static double[] BestOverlaps(IReadOnlyList<PixelBox> groundTruth, IReadOnlyList<PixelBox> proposals)
    {
        var best = new double[groundTruth.Count];
        for (int g = 0; g < groundTruth.Count; g++)
            foreach (var p in proposals)
                best[g] = Math.Max(best[g], BoxOverlap.IoU(groundTruth[g], p));
        return best;
    }

    /// <summary>Recall at <paramref name="threshold"/> and MABO over the pooled best overlaps of several images.</summary>
    public static (double Recall, double Mabo) Summarise(IEnumerable<double> bestOverlaps, double threshold = 0.5)
    {
        var all = bestOverlaps.ToArray();
        if (all.Length == 0) return (double.NaN, double.NaN);
        return (all.Count(o => o >= threshold) / (double)all.Length, all.Average());
    }
}
