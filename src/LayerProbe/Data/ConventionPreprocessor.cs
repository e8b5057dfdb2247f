using System.Globalization;

namespace LayerProbe.Data;

/// <summary>
/// Feeds a network in its <see cref="InputConvention"/>: the region (whole image when null) warped to Size² with
/// <see cref="Padding"/> pixels of context by the toolkit's one warp (<see cref="CaffePreprocessor.WarpInto"/>: bilinear
/// without antialiasing, BGR planes minus a 0–255 mean, zero around the pasted window), then each channel multiplied by
/// Scale/Std and put in the convention's channel order; grey input is the average of the three planes. Pixels outside
/// the image are therefore the mean colour (0) in every convention.
/// </summary>
public sealed class ConventionPreprocessor : IPreprocessor
{
    readonly float[] _bgrMean;      // 3·Size², the 0–255 mean per BGR plane (zero for grey)
    readonly MeanImage? _mean;      // what _bgrMean holds (null for grey)
    readonly float[] _multipliers;  // per output channel: Scale / Std
    readonly float _greyMean;       // 0–255 mean of the grey plane
    readonly string _meanDescription;

    /// <summary>
    /// A preprocessor for <paramref name="convention"/> at side <paramref name="size"/>; <paramref name="meanImage"/> is the
    /// convention's mean image already loaded at that side (BGR, 0–255), or null for its per-channel mean.
    /// </summary>
    public ConventionPreprocessor(InputConvention convention, int size, int padding, MeanImage? meanImage = null)
    {
        convention.Validate();
        if (size <= 0) throw LayerProbeException.ForParameter("size", $"input size must be positive, got {size}");
        if (meanImage is not null && meanImage.Size != size) throw new ArgumentException($"mean image side {meanImage.Size} differs from the input side {size}");
        _ = RcnnWarp.Compute(new PixelBox(1, 1, 1, 1), 1, 1, size, padding); // validates the settings
        Convention = convention;
        Size = size;
        Padding = padding;
        _multipliers = [.. convention.Std.Select(s => convention.Scale / s)];
        if (convention.Channels == ChannelOrder.Grey)
        {
            _bgrMean = new float[3 * size * size];
            _greyMean = convention.Mean[0] / convention.Scale;
            _meanDescription = "";
        }
        else if (meanImage is not null)
        {
            _mean = meanImage;
            _bgrMean = meanImage.Values;
            _meanDescription = $",mean-image={meanImage.Description}";
        }
        else
        {
            var m = convention.Mean.Select(v => v / convention.Scale).ToArray(); // 0–255, channel order
            _mean = convention.Channels == ChannelOrder.Bgr ? MeanImage.FromPixel(m[0], m[1], m[2], size) : MeanImage.FromPixel(m[2], m[1], m[0], size);
            _bgrMean = _mean.Values;
            _meanDescription = "";
        }
    }

    /// <summary>The convention fed.</summary>
    public InputConvention Convention { get; }
    /// <summary>Side of the square input.</summary>
    public int Size { get; }
    /// <summary>Context padding of the warp in output pixels (16 for R-CNN boxes, 0 for whole images).</summary>
    public int Padding { get; }
    /// <inheritdoc/>
    public int Channels => Convention.ChannelCount;
    /// <inheritdoc/>
    public int Height => Size;
    /// <inheritdoc/>
    public int Width => Size;
    /// <inheritdoc/>
    public string Description => string.Create(CultureInfo.InvariantCulture,
        $"{Convention}(size={Size},padding={Padding},resize=bilinear-noaa{_meanDescription})");

    /// <summary>The numbers fed, for manifests (JSON object: convention, channels, scale, mean, std, mean image, size, padding).</summary>
    public IReadOnlyDictionary<string, object?> Record => new Dictionary<string, object?>
    {
        ["convention"] = Convention.Name, ["channels"] = Convention.Channels.ToString().ToLowerInvariant(), ["scale"] = Convention.Scale,
        ["mean"] = Convention.Mean, ["std"] = Convention.Std, ["mean_image"] = _meanDescription.Length > 0 ? _meanDescription[",mean-image=".Length..] : null,
        ["size"] = Size, ["padding"] = Padding, ["resize"] = "bilinear-noaa",
    };

    /// <inheritdoc/>
    public void Fill(RgbImage image, PixelBox? region, Span<float> destination)
    {
        int plane = Size * Size;
        if (destination.Length != Channels * plane) throw new ArgumentException($"destination must hold {Channels}x{Size}x{Size} floats");
        var box = region ?? PixelBox.WholeImage(image.Width, image.Height);
        var bgr = Convention.Channels == ChannelOrder.Grey ? new float[3 * plane] : destination;
        CaffePreprocessor.WarpInto(image, box, Size, Padding, _bgrMean, bgr);
        FromMeanFreeBgr(bgr, destination, plane);
    }

    /// <summary>The 0–255 mean colour subtracted, per BGR plane (a mean image's channel averages; zero for grey input).</summary>
    internal (float B, float G, float R) MeanPixel => _mean?.ChannelMeans() ?? (0f, 0f, 0f);

    /// <summary>
    /// The convention's last step on BGR planes from which the 0–255 mean was subtracted (<paramref name="bgr"/>,
    /// 3 planes of <paramref name="plane"/> values): channel order, Scale/Std, and for grey input the average of the
    /// planes minus the grey mean. Colour input is converted in place (<paramref name="destination"/> is <paramref name="bgr"/>).
    /// </summary>
    internal void FromMeanFreeBgr(Span<float> bgr, Span<float> destination, int plane)
    {
        if (Convention.Channels == ChannelOrder.Grey)
        {
            float k = _multipliers[0];
            for (int i = 0; i < plane; i++) destination[i] = ((bgr[i] + bgr[plane + i] + bgr[2 * plane + i]) / 3 - _greyMean) * k;
            return;
        }
        if (Convention.Channels == ChannelOrder.Rgb) Swap(destination[..plane], destination.Slice(2 * plane, plane));
        for (int c = 0; c < 3; c++)
            if (_multipliers[c] != 1f) Scale(destination.Slice(c * plane, plane), _multipliers[c]);
    }

    static void Swap(Span<float> a, Span<float> b)
    {
        for (int i = 0; i < a.Length; i++) (a[i], b[i]) = (b[i], a[i]);
    }

    static void Scale(Span<float> values, float k)
    {
        var vectors = System.Runtime.InteropServices.MemoryMarshal.Cast<float, System.Numerics.Vector<float>>(values);
        var vk = new System.Numerics.Vector<float>(k);
        for (int i = 0; i < vectors.Length; i++) vectors[i] *= vk;
        for (int i = vectors.Length * System.Numerics.Vector<float>.Count; i < values.Length; i++) values[i] *= k;
    }
}
