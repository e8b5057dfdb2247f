namespace LayerProbe.Data;

/// <summary>
/// Where a region lands in the R-CNN warp (docs/method.md §6.1, <c>rcnn_im_crop.m</c> mode <c>warp</c>): the clipped source
/// rectangle (1-based inclusive, integer) is resized to <see cref="TargetWidth"/>×<see cref="TargetHeight"/> and pasted
/// at (<see cref="PadX"/>, <see cref="PadY"/>) (0-based) of the crop-size canvas.
/// </summary>
public readonly record struct RcnnWarp(PixelBox Source, int PadX, int PadY, int TargetWidth, int TargetHeight)
{
    /// <summary>
    /// Computes the warp of <paramref name="box"/> in an image of <paramref name="imageWidth"/>×<paramref name="imageHeight"/>
    /// for a square crop of <paramref name="cropSize"/> with <paramref name="padding"/> pixels of context (0 = plain
    /// anisotropic warp of the box). Rounding is MATLAB's (half away from zero).
    /// </summary>
    public static RcnnWarp Compute(PixelBox box, int imageWidth, int imageHeight, int cropSize = 227, int padding = 16)
    {
        if (cropSize <= 0 || padding < 0 || 2 * padding >= cropSize)
            throw new ArgumentOutOfRangeException(nameof(padding), $"crop size {cropSize} with padding {padding} is not valid");
        double x1 = Round(box.X1), y1 = Round(box.Y1), x2 = Round(box.X2), y2 = Round(box.Y2);
        int padX = 0, padY = 0, targetW = cropSize, targetH = cropSize;
        if (padding > 0)
        {
            double scale = (double)cropSize / (cropSize - 2 * padding);
            double halfW = (box.X2 - box.X1 + 1) / 2, halfH = (box.Y2 - box.Y1 + 1) / 2;
            double cx = box.X1 + halfW, cy = box.Y1 + halfH;
            x1 = Round(cx - halfW * scale); x2 = Round(cx + halfW * scale);
            y1 = Round(cy - halfH * scale); y2 = Round(cy + halfH * scale);
            double unclippedW = x2 - x1 + 1, unclippedH = y2 - y1 + 1;
            double padX1 = Math.Max(0, 1 - x1), padY1 = Math.Max(0, 1 - y1);
            x1 = Math.Max(1, x1); y1 = Math.Max(1, y1); x2 = Math.Min(imageWidth, x2); y2 = Math.Min(imageHeight, y2);
            double scaleX = cropSize / unclippedW, scaleY = cropSize / unclippedH;
            targetW = (int)Round((x2 - x1 + 1) * scaleX);
            targetH = (int)Round((y2 - y1 + 1) * scaleY);
            padX = (int)Round(padX1 * scaleX);
            padY = (int)Round(padY1 * scaleY);
            if (padY + targetH > cropSize) targetH = cropSize - padY;
            if (padX + targetW > cropSize) targetW = cropSize - padX;
        }
        else
        {
            x1 = Math.Max(1, x1); y1 = Math.Max(1, y1); x2 = Math.Min(imageWidth, x2); y2 = Math.Min(imageHeight, y2);
        }
        if (x2 < x1 || y2 < y1)
            throw new ArgumentException($"box [{box.X1} {box.Y1} {box.X2} {box.Y2}] does not overlap the {imageWidth}x{imageHeight} image");
        return new RcnnWarp(new PixelBox(x1, y1, x2, y2), padX, padY, Math.Max(0, targetW), Math.Max(0, targetH));
    }

    static double Round(double v) => Math.Round(v, MidpointRounding.AwayFromZero);
}
