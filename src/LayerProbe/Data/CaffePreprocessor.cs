namespace LayerProbe.Data;

/// <summary>
/// CaffeNet input (docs/method.md §1.1, §6.1): the R-CNN warp of the region (whole image when null) to
/// <see cref="CropSize"/>² with <see cref="Padding"/> pixels of context, bilinear without antialiasing, BGR, 0–255,
/// minus the mean image at the pasted offsets, pasted into a zero canvas (pixels beyond the image are therefore 0,
/// i.e. the mean colour). Padding 0 is the plain anisotropic warp of the region.
/// </summary>
public sealed class CaffePreprocessor : IPreprocessor
{
    readonly MeanImage _mean;

    /// <summary>A warp preprocessor; <paramref name="mean"/> must have side <paramref name="cropSize"/>.</summary>
    public CaffePreprocessor(MeanImage mean, int cropSize = 227, int padding = 16)
    {
        if (mean.Size != cropSize) throw new ArgumentException($"mean image side {mean.Size} differs from the crop size {cropSize}");
        _ = RcnnWarp.Compute(new PixelBox(1, 1, 1, 1), 1, 1, cropSize, padding); // validates the settings
        _mean = mean;
        CropSize = cropSize;
        Padding = padding;
    }

    /// <summary>Side of the square network input.</summary>
    public int CropSize { get; }
    /// <summary>Context padding in output pixels (R-CNN: 16).</summary>
    public int Padding { get; }
    /// <inheritdoc/>
    public int Channels => 3;
    /// <inheritdoc/>
    public int Height => CropSize;
    /// <inheritdoc/>
    public int Width => CropSize;
    /// <inheritdoc/>
    public string Description => $"caffe-warp(crop={CropSize},padding={Padding},mode=warp,resize=bilinear-noaa,order=BGR,scale=0-255,mean={_mean.Description})";

    /// <inheritdoc/>
    public void Fill(RgbImage image, PixelBox? region, Span<float> destination) =>
        WarpInto(image, region ?? PixelBox.WholeImage(image.Width, image.Height), CropSize, Padding, _mean.Values, destination);

    /// <summary>
    /// The one warp of the toolkit: writes planar BGR (region resized, minus <paramref name="mean"/>) into the
    /// 3×<paramref name="cropSize"/>² <paramref name="destination"/>, zero around the pasted window.
    /// </summary>
    internal static void WarpInto(RgbImage image, PixelBox region, int cropSize, int padding, ReadOnlySpan<float> mean, Span<float> destination)
    {
        int plane = cropSize * cropSize;
        if (destination.Length != 3 * plane) throw new ArgumentException($"destination must hold 3x{cropSize}x{cropSize} floats");
        if (mean.Length != 3 * plane) throw new ArgumentException($"mean must hold 3x{cropSize}x{cropSize} floats");
        var warp = RcnnWarp.Compute(region, image.Width, image.Height, cropSize, padding);
        int tw = warp.TargetWidth, th = warp.TargetHeight;
        if (tw != cropSize || th != cropSize) destination.Clear(); // the canvas around the pasted window is 0
        if (tw == 0 || th == 0) return;
        SeparableBilinearResize.Into(image, new SeparableBilinearResize.Placement((int)warp.Source.X1 - 1, (int)warp.Source.Y1 - 1,
            (int)warp.Source.Width, (int)warp.Source.Height, tw, th, warp.PadX, warp.PadY, cropSize), mean, destination);
    }
}
