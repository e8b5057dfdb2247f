using System.Globalization;

namespace LayerProbe.Data;

/// <summary>
/// Input of a one-channel network trained by <c>layerprobe train</c> on grey images (the CaffeNet-mini demo on
/// Fashion-MNIST): the image warped to Size² exactly as <see cref="CaffePreprocessor"/> does (bilinear, no context),
/// averaged over its colour channels (grey images have R = G = B), minus <see cref="MeanPixel"/> (0–255 scale) and
/// multiplied by <see cref="Scale"/> — the same numbers the training source fed the network.
/// </summary>
public sealed class GreyPreprocessor : IPreprocessor
{
    readonly float[] _zeroMean;

    /// <summary>A grey preprocessor for side <paramref name="size"/>.</summary>
    public GreyPreprocessor(int size, float meanPixel, float scale)
    {
        if (size <= 0) throw new ArgumentOutOfRangeException(nameof(size), "must be positive");
        Size = size;
        MeanPixel = meanPixel;
        Scale = scale;
        _zeroMean = new float[3 * size * size];
    }

    /// <summary>Side of the square input.</summary>
    public int Size { get; }
    /// <summary>Subtracted grey level (0–255).</summary>
    public float MeanPixel { get; }
    /// <summary>Multiplier applied after the subtraction.</summary>
    public float Scale { get; }
    /// <inheritdoc/>
    public int Channels => 1;
    /// <inheritdoc/>
    public int Height => Size;
    /// <inheritdoc/>
    public int Width => Size;
    /// <inheritdoc/>
    public string Description => string.Create(CultureInfo.InvariantCulture,
        $"grey-warp(size={Size},resize=bilinear-noaa,scale=0-255,mean={MeanPixel},multiplier={Scale})");

    /// <inheritdoc/>
    public void Fill(RgbImage image, PixelBox? region, Span<float> destination)
    {
        int plane = Size * Size;
        if (destination.Length != plane) throw new ArgumentException($"destination must hold 1x{Size}x{Size} floats");
        var bgr = new float[3 * plane];
        CaffePreprocessor.WarpInto(image, region ?? PixelBox.WholeImage(image.Width, image.Height), Size, 0, _zeroMean, bgr);
        for (int i = 0; i < plane; i++)
            destination[i] = ((bgr[i] + bgr[plane + i] + bgr[2 * plane + i]) / 3 - MeanPixel) * Scale;
    }
}
