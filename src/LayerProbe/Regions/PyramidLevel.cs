using LayerProbe.Data;

namespace LayerProbe.Regions;

/// <summary>
/// SPP-net's multi-scale rule (He et al. 2014 §3.1 "Multi-view testing"/detection; Fast R-CNN's <c>_project_im_rois</c>):
/// with the image run at several scales, each region is pooled at the scale where its scaled area is closest to a
/// target area (224², the network's input): the level minimising |w·h·s² − target²| over the scale factors s, with w
/// and h the box's width and height in original pixels (inclusive: x2 − x1 + 1); ties go to the first (smaller) scale.
/// </summary>
public static class PyramidLevel
{
    /// <summary>The index into <paramref name="scaleFactors"/> of the level <paramref name="box"/> is pooled at.</summary>
    public static int Of(PixelBox box, ReadOnlySpan<double> scaleFactors, int targetSide)
    {
        double area = box.Width * box.Height, target = (double)targetSide * targetSide;
        int best = 0;
        double bestDiff = double.PositiveInfinity;
        for (int level = 0; level < scaleFactors.Length; level++)
        {
            double diff = Math.Abs(area * scaleFactors[level] * scaleFactors[level] - target);
            if (diff < bestDiff) (best, bestDiff) = (level, diff);
        }
        return best;
    }
}
