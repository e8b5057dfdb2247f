using LayerProbe.Data;
using LayerProbe.Features.Transforms;

namespace LayerProbe.Proposals;

/// <summary>
/// R-CNN's pseudo-random proposal order (docs/method.md §7.1): priority = level × U(0,1), ascending, where level 1 is the
/// last merge of a hierarchy (the whole image) and larger levels are earlier, smaller regions. OpenCV keeps each
/// box's level private and ranks with the inverse level (1 = an initial segment) and the process-wide C <c>rand()</c>,
/// so the order is rebuilt here, deterministically: level = the box's position among the image's boxes by area,
/// largest first (ties by coordinates), and U(0,1) a SplitMix64 hash of the seed and the box's coordinates, so the
/// order depends only on the set of boxes. Every box is kept; only top-N users see the order.
/// </summary>
public static class ProposalRanking
{
    /// <summary>The boxes in rank order (best first).</summary>
    public static PixelBox[] Order(IReadOnlyList<PixelBox> boxes, ulong seed)
    {
        var byArea = boxes.OrderByDescending(b => b.Area).ThenBy(b => b.X1).ThenBy(b => b.Y1).ThenBy(b => b.X2).ThenBy(b => b.Y2).ToArray();
        var priority = new double[byArea.Length];
        for (int i = 0; i < byArea.Length; i++) priority[i] = (i + 1) * Uniform(byArea[i], seed);
        var order = Enumerable.Range(0, byArea.Length).ToArray();
        Array.Sort(order, (a, b) => priority[a] != priority[b] ? priority[a].CompareTo(priority[b]) : a.CompareTo(b));
        return [.. order.Select(i => byArea[i])];
    }

    /// <summary>U(0,1) for a box: the top 53 bits of a SplitMix64 mix of the seed and its integer corners.</summary>
    static double Uniform(in PixelBox box, ulong seed)
    {
        ulong h = SplitMix64.Mix(seed ^ 0x5350524F504F53UL);
        foreach (double c in (ReadOnlySpan<double>)[box.X1, box.Y1, box.X2, box.Y2])
            h = SplitMix64.Mix(h ^ (ulong)(long)Math.Round(c));
        return ((h >> 11) + 0.5) / (1UL << 53);
    }
}
