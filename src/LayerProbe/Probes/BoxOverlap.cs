using LayerProbe.Data;

namespace LayerProbe.Probes;

/// <summary>
/// Intersection-over-union of two <see cref="PixelBox"/>es with the VOC +1 pixel convention (docs/method.md §6.2):
/// intersection = (min x2 − max x1 + 1)·(min y2 − max y1 + 1), 0 if either side ≤ 0. The one IoU of the project.
/// </summary>
public static class BoxOverlap
{
    /// <summary>Intersection area (+1 convention); 0 when the boxes do not overlap in either axis.</summary>
    public static double Intersection(in PixelBox a, in PixelBox b)
    {
        double iw = Math.Min(a.X2, b.X2) - Math.Max(a.X1, b.X1) + 1;
        double ih = Math.Min(a.Y2, b.Y2) - Math.Max(a.Y1, b.Y1) + 1;
        return iw <= 0 || ih <= 0 ? 0 : iw * ih;
    }

    /// <summary>IoU = intersection / (area a + area b − intersection); 0 when they do not intersect.</summary>
    public static double IoU(in PixelBox a, in PixelBox b)
    {
        double inter = Intersection(a, b);
        if (inter <= 0) return 0;
        return inter / (a.Area + b.Area - inter);
    }
}
