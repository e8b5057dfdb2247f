using LayerProbe.Data;
using LayerProbe.Probes;
using LayerProbe.Regions;

namespace LayerProbe.Detection;

/// <summary>
/// The training pairs of R-CNN's box regression (<c>rcnn_train_bbox_regressor.m</c>, <c>get_examples</c>): every region
/// row — proposals and GT rows alike — whose largest overlap with any class (the region table's overlap columns) is
/// ≥ the minimum overlap is compared with every GT box of its image (<see cref="BoxOverlap"/>, difficult boxes too);
/// it is paired with the box it overlaps most (the first in annotation order on a tie, as MATLAB's <c>max</c>) and
/// kept for that box's class when that IoU is strictly above the minimum (the code's <c>O &gt; min_overlap</c>).
/// Per class: the rows (feature row = region row) in row order and their targets (<see cref="BoxTargets"/>).
/// Memory: 4 doubles and an int per pair.
/// </summary>
public sealed class BoxRegressionPairs
{
    readonly List<int>[] _rows;
    readonly List<double>[] _targets;

    BoxRegressionPairs(int classes)
    {
        _rows = [.. Enumerable.Range(0, classes).Select(_ => new List<int>())];
        _targets = [.. Enumerable.Range(0, classes).Select(_ => new List<double>())];
    }

    /// <summary>Number of classes.</summary>
    public int Classes => _rows.Length;
    /// <summary>Region rows paired for class <paramref name="c"/>, ascending.</summary>
    public IReadOnlyList<int> Rows(int c) => _rows[c];
    /// <summary>Targets of class <paramref name="c"/>'s pairs (4 per pair, in <see cref="Rows"/> order).</summary>
    public ReadOnlySpan<double> Targets(int c) => System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_targets[c]);
    /// <summary>Number of pairs of class <paramref name="c"/>.</summary>
    public int Count(int c) => _rows[c].Count;

    /// <summary>Selects the pairs of <paramref name="regions"/> from its region table <paramref name="table"/>.</summary>
    public static BoxRegressionPairs Select(VocRegions regions, RegionTableRows table, double minOverlap)
    {
        if (table.Count != regions.Count) throw new LayerProbeException($"box regression: region table has {table.Count} rows for {regions.Count} regions");
        var pairs = new BoxRegressionPairs(regions.Classes.Count);
        Span<double> t = stackalloc double[BoxTargets.Count];
        for (int image = 0; image < regions.Images; image++)
        {
            var gt = regions.Annotation(image).Objects;
            if (gt.Count == 0) continue;
            int first = regions.FirstItem(image), end = image + 1 < regions.Images ? regions.FirstItem(image + 1) : regions.Count;
            for (int row = first; row < end; row++)
            {
                double largest = 0;
                foreach (float o in table.Overlaps(row)) largest = Math.Max(largest, o);
                if (largest < minOverlap) continue;
                var box = table.Box(row);
                int assigned = 0;
                double best = double.NegativeInfinity;
                for (int g = 0; g < gt.Count; g++)
                {
                    double iou = BoxOverlap.IoU(box, gt[g].Box);
                    if (iou > best) (best, assigned) = (iou, g);
                }
                if (!(best > minOverlap)) continue;
                int c = gt[assigned].ClassIndex;
                BoxTargets.Encode(box, gt[assigned].Box, t);
                pairs._rows[c].Add(row);
                foreach (double v in t) pairs._targets[c].Add(v);
            }
        }
        return pairs;
    }

    /// <summary>Pairs given directly (tests, other data layouts): per class the rows and the proposal/GT boxes.</summary>
    public static BoxRegressionPairs FromBoxes(int classes, IEnumerable<(int Row, int Class, PixelBox Proposal, PixelBox Target)> items)
    {
        var pairs = new BoxRegressionPairs(classes);
        Span<double> t = stackalloc double[BoxTargets.Count];
        foreach (var (row, c, proposal, target) in items)
        {
            BoxTargets.Encode(proposal, target, t);
            pairs._rows[c].Add(row);
            foreach (double v in t) pairs._targets[c].Add(v);
        }
        return pairs;
    }
}
