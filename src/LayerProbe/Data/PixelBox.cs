namespace LayerProbe.Data;

/// <summary>
/// A box in VOC pixel coordinates: 1-based, inclusive corners, so width = X2 − X1 + 1 (docs/method.md §6.2).
/// The one box type of the project (GT boxes, proposals, detections).
/// </summary>
public readonly record struct PixelBox(double X1, double Y1, double X2, double Y2)
{
    /// <summary>Width with the +1 pixel convention.</summary>
    public double Width => X2 - X1 + 1;
    /// <summary>Height with the +1 pixel convention.</summary>
    public double Height => Y2 - Y1 + 1;
    /// <summary>Area with the +1 pixel convention (0 for degenerate boxes).</summary>
    public double Area => Math.Max(0, Width) * Math.Max(0, Height);
    /// <summary>The whole image [1, 1, W, H].</summary>
    public static PixelBox WholeImage(int width, int height) => new(1, 1, width, height);
}
