using System.Globalization;

namespace LayerProbe.Data;

/// <summary>
/// A whole image for a shared-convolution pass (SPP-net's single scale, Fast R-CNN's <c>prep_im_for_blob</c>): scaled
/// isotropically so that its shorter side is <see cref="ShorterSide"/>, unless its longer side would then exceed
/// <see cref="MaxSide"/>, in which case the longer side is <see cref="MaxSide"/>; output sizes are the scaled sides
/// rounded to the nearest integer. The resize is the toolkit's one bilinear resize (no antialiasing,
/// <see cref="SeparableBilinearResize"/>), then the network's input convention (channel order, scale, std) from
/// <see cref="ConventionPreprocessor"/>; the mean subtracted is the convention's mean colour (a mean image's channel
/// averages, since a mean image has no meaning at another size).
/// </summary>
public sealed class ScaledImagePreprocessor
{
    readonly ConventionPreprocessor _convention;
    readonly (float B, float G, float R) _mean;
    float[] _meanPlanes = [];
    float[] _bgr = [];
    (int Width, int Height) _meanSize;

    /// <summary>Whole images in <paramref name="convention"/>'s numbers at the given scale.</summary>
    public ScaledImagePreprocessor(ConventionPreprocessor convention, int shorterSide, int maxSide, int minimumSide = 1)
    {
        if (shorterSide < minimumSide)
            throw LayerProbeException.ForParameter("shorterSide", $"{shorterSide}: below {minimumSide}, the smallest image side the network's layer is pooled from");
        if (shorterSide < 1) throw LayerProbeException.ForParameter("shorterSide", $"the shorter side must be at least 1 pixel, got {shorterSide}");
        if (maxSide > LargestSide) throw LayerProbeException.ForParameter("maxSide", $"at most {LargestSide} pixels, got {maxSide}");
        if (maxSide < shorterSide) throw LayerProbeException.ForParameter("maxSide", $"the longer side limit ({maxSide}) is below the shorter side ({shorterSide})");
        _convention = convention;
        _mean = convention.MeanPixel;
        ShorterSide = shorterSide;
        MaxSide = maxSide;
        MinimumSide = Math.Max(1, minimumSide);
    }

    /// <summary>Smallest side of a scaled image: a shorter side the longer-side limit would take below it is raised to it.</summary>
    public int MinimumSide { get; }

    /// <summary>Largest side an image is scaled to (bounds one image's input and feature map).</summary>
    public const int LargestSide = 4096;

    /// <summary>Target length of an image's shorter side.</summary>
    public int ShorterSide { get; }
    /// <summary>Largest length of the longer side.</summary>
    public int MaxSide { get; }
    /// <summary>Input channels.</summary>
    public int Channels => _convention.Channels;

    /// <summary>All settings in one string (manifests, store keys).</summary>
    public string Description => string.Create(CultureInfo.InvariantCulture,
        $"{_convention.Convention}(whole-image,shorter-side={ShorterSide},max-side={MaxSide},mean-pixel-bgr=({_mean.B:R},{_mean.G:R},{_mean.R:R}),resize=bilinear-noaa)");

    /// <summary>The factor an image of <paramref name="width"/>×<paramref name="height"/> is scaled by.</summary>
    public double ScaleOf(int width, int height)
    {
        double scale = (double)ShorterSide / Math.Min(width, height);
        if (Math.Round(scale * Math.Max(width, height)) > MaxSide) scale = (double)MaxSide / Math.Max(width, height);
        if (scale * Math.Min(width, height) < MinimumSide) scale = (double)MinimumSide / Math.Min(width, height);
        if (Math.Round(scale * Math.Max(width, height)) > LargestSide)
            throw LayerProbeException.ForParameter("maxSide", $"a {width}x{height} image cannot be scaled to a shorter side of at least {MinimumSide} with its longer side at most {LargestSide}");
        return scale;
    }

    /// <summary>The scaled size (at least 1×1).</summary>
    public (int Width, int Height) SizeOf(int width, int height)
    {
        double s = ScaleOf(width, height);
        return (Math.Max(1, (int)Math.Round(width * s)), Math.Max(1, (int)Math.Round(height * s)));
    }

    /// <summary>
    /// Writes the scaled image (C × height × width of <see cref="SizeOf"/>) into <paramref name="destination"/>. Not
    /// thread-safe (it keeps its working planes between calls).
    /// </summary>
    public void Fill(RgbImage image, Span<float> destination)
    {
        var (w, h) = SizeOf(image.Width, image.Height);
        int plane = w * h;
        if (destination.Length != Channels * plane) throw new ArgumentException($"destination must hold {Channels}x{h}x{w} floats");
        if (_meanSize != (w, h))
        {
            _meanPlanes = new float[3 * plane];
            _meanPlanes.AsSpan(0, plane).Fill(_mean.B);
            _meanPlanes.AsSpan(plane, plane).Fill(_mean.G);
            _meanPlanes.AsSpan(2 * plane, plane).Fill(_mean.R);
            _meanSize = (w, h);
        }
        Span<float> bgr = destination;
        if (Channels == 1)
        {
            if (_bgr.Length != 3 * plane) _bgr = new float[3 * plane];
            bgr = _bgr;
        }
        SeparableBilinearResize.Into(image, new SeparableBilinearResize.Placement(0, 0, image.Width, image.Height, w, h, 0, 0, w, h), _meanPlanes, bgr);
        _convention.FromMeanFreeBgr(bgr, destination, plane);
    }
}
