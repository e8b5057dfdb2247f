using LayerProbe.Data;

namespace LayerProbe.Probes;

/// <summary>
/// Greedy non-maximum suppression (docs/method.md §6.5): sort by score descending, keep the best remaining box, drop every
/// other box whose IoU with it is <b>&gt;</b> the threshold (boxes with IoU ≤ threshold survive), repeat.
/// Ties in score are broken by input order (the lower index is considered first; a stable sort). Note R-CNN's
/// <c>nms.m</c> picks the last of equal scores after an ascending sort; with distinct scores both agree.
/// </summary>
public static class Nms
{
    /// <summary>Indices of kept boxes, in order of decreasing score (stable for ties).</summary>
    public static int[] Select(ReadOnlySpan<PixelBox> boxes, ReadOnlySpan<double> scores, double overlapThreshold)
    {
        if (boxes.Length != scores.Length)
            throw new ArgumentException($"{boxes.Length} boxes but {scores.Length} scores");
        int[] order = Ranking.Descending(scores);
        var suppressed = new bool[boxes.Length];
        var kept = new List<int>();
        for (int a = 0; a < order.Length; a++)
        {
            int i = order[a];
            if (suppressed[i]) continue;
            kept.Add(i);
            for (int b = a + 1; b < order.Length; b++)
            {
                int j = order[b];
                if (!suppressed[j] && BoxOverlap.IoU(boxes[i], boxes[j]) > overlapThreshold) suppressed[j] = true;
            }
        }
        return kept.ToArray();
    }
}
