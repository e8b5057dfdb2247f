using LayerProbe.Data;
using LayerProbe.Probes;

namespace LayerProbe.Regions;

/// <summary>
/// R-CNN's per-image region bookkeeping (docs/method.md §6.2, <c>roidb_from_voc.m</c>): rows = every ground-truth object
/// (difficult ones too) in annotation order, then the image's proposals in rank order; for each row its box, whether it
/// is a GT row, the GT class (−1 for proposals) and <c>overlap[c]</c> = its maximum IoU (<see cref="BoxOverlap"/>,
/// +1 convention) with the image's GT boxes of class c (0 when the image has none of c).
/// </summary>
public static class RegionRows
{
    /// <summary>Values per row in <see cref="Fill"/>: gt flag, class, x1 y1 x2 y2, then one overlap per class.</summary>
    public static int Columns(int classes) => 6 + classes;

    /// <summary>Number of rows of one image: its GT objects plus its proposals.</summary>
    public static int Count(VocAnnotation annotation, int proposals) => annotation.Objects.Count + proposals;

    /// <summary>The box of row <paramref name="row"/>: GT rows first, then <paramref name="proposals"/> in order.</summary>
    public static PixelBox Box(VocAnnotation annotation, IReadOnlyList<PixelBox> proposals, int row) =>
        row < annotation.Objects.Count ? annotation.Objects[row].Box : proposals[row - annotation.Objects.Count];

    /// <summary>
    /// Writes the bookkeeping of every row of one image into <paramref name="destination"/> (row-major,
    /// <see cref="Columns"/> values per row): gt (1/0), class index (−1 for proposals), x1 y1 x2 y2, overlap per class.
    /// </summary>
    public static void Fill(VocAnnotation annotation, IReadOnlyList<PixelBox> proposals, int classes, Span<float> destination)
    {
        int cols = Columns(classes), rows = Count(annotation, proposals.Count);
        if (destination.Length < rows * cols) throw new ArgumentException($"destination holds {destination.Length} values, {rows} rows need {rows * cols}");
        var gt = annotation.Objects;
        for (int r = 0; r < rows; r++)
        {
            var row = destination.Slice(r * cols, cols);
            row.Clear();
            var box = Box(annotation, proposals, r);
            bool isGt = r < gt.Count;
            row[0] = isGt ? 1 : 0;
            row[1] = isGt ? gt[r].ClassIndex : -1;
            row[2] = (float)box.X1; row[3] = (float)box.Y1; row[4] = (float)box.X2; row[5] = (float)box.Y2;
            foreach (var o in gt)
            {
                float iou = (float)BoxOverlap.IoU(box, o.Box);
                if (iou > row[6 + o.ClassIndex]) row[6 + o.ClassIndex] = iou;
            }
        }
    }
}
