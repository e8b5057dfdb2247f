namespace LayerProbe.Data;

/// <summary>
/// What a Caffe-style preprocessor subtracts: a per-pixel mean image, planar BGR 3×Size×Size in 0–255 scale
/// (e.g. the ILSVRC12 mean centre-cropped to 227, docs/method.md §1.1), or a constant mean pixel broadcast to that shape.
/// </summary>
public sealed class MeanImage
{
    /// <summary>Planar BGR values, length 3·Size·Size.</summary>
    public float[] Values { get; }
    /// <summary>Side length.</summary>
    public int Size { get; }
    /// <summary>Short description for preprocessor settings (kind and content hash).</summary>
    public string Description { get; }

    MeanImage(float[] values, int size, string description) { Values = values; Size = size; Description = description; }

    /// <summary>A constant mean colour (given in BGR order) of side <paramref name="size"/>.</summary>
    public static MeanImage FromPixel(float b, float g, float r, int size)
    {
        var values = new float[3 * size * size];
        values.AsSpan(0, size * size).Fill(b);
        values.AsSpan(size * size, size * size).Fill(g);
        values.AsSpan(2 * size * size, size * size).Fill(r);
        return new MeanImage(values, size, FormattableString.Invariant($"pixel(b={b},g={g},r={r})"));
    }

    /// <summary>
    /// The centre <paramref name="size"/>×<paramref name="size"/> block of a square planar BGR mean image of side
    /// <paramref name="sourceSize"/>, at offset floor((sourceSize − size)/2) (14 for 256 → 227).
    /// </summary>
    public static MeanImage CenterCrop(ReadOnlySpan<float> planarBgr, int sourceSize, int size)
    {
        if (planarBgr.Length != 3 * sourceSize * sourceSize) throw new ArgumentException($"expected 3x{sourceSize}x{sourceSize} values, got {planarBgr.Length}");
        if (size > sourceSize) throw new ArgumentException($"mean image {sourceSize}x{sourceSize} is smaller than the crop {size}");
        int offset = (sourceSize - size) / 2;
        var values = new float[3 * size * size];
        for (int c = 0; c < 3; c++)
            for (int y = 0; y < size; y++)
                planarBgr.Slice((c * sourceSize + offset + y) * sourceSize + offset, size).CopyTo(values.AsSpan((c * size + y) * size, size));
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(planarBgr)))[..12];
        return new MeanImage(values, size, $"image({sourceSize}->{size}@{offset},sha256:{hash})");
    }

    /// <summary>Per-channel averages (B, G, R) of this mean.</summary>
    public (float B, float G, float R) ChannelMeans()
    {
        int n = Size * Size;
        double Avg(int c) { double s = 0; foreach (var v in Values.AsSpan(c * n, n)) s += v; return s / n; }
        return ((float)Avg(0), (float)Avg(1), (float)Avg(2));
    }
}
