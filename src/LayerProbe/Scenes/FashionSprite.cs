namespace LayerProbe.Scenes;

/// <summary>
/// A Fashion-MNIST item scaled to <see cref="Size"/>² pixels as a matte: its grey value (bilinear, centre-aligned)
/// gives the opacity — 0 at the black surround, rising over grey 10–50 to opaque — and the shading of the object's
/// colour, so the object's outline is the item's own soft edge, not its 28×28 frame.
/// </summary>
sealed class FashionSprite
{
    /// <summary>Opacity at or above which a pixel counts as the object's (the GT box threshold, ½).</summary>
    public const int OpaqueAlpha = 128;
    const int AlphaFrom = 10, AlphaRamp = 40;

    /// <summary>Side in pixels.</summary>
    public int Size { get; }
    /// <summary>Opacity 0–255, row-major.</summary>
    public byte[] Alpha { get; }
    /// <summary>Brightness factor 0–255 of the object's colour, row-major.</summary>
    public byte[] Shade { get; }
    /// <summary>The tight box of opaque pixels, 0-based inclusive; empty (X1 &gt; X2) if none.</summary>
    public (int X1, int Y1, int X2, int Y2) OpaqueBox { get; }

    /// <summary>Scales a 28×28 grey item to <paramref name="size"/>.</summary>
    public FashionSprite(ReadOnlySpan<byte> grey, int side, int size)
    {
        Size = size;
        Alpha = new byte[size * size];
        Shade = new byte[size * size];
        var taps = BackgroundPhotos.Taps(0, side, size, side);
        int x1 = size, y1 = size, x2 = -1, y2 = -1;
        for (int y = 0; y < size; y++)
        {
            var (ya, yb, fy) = taps[y];
            for (int x = 0; x < size; x++)
            {
                var (xa, xb, fx) = taps[x];
                long top = grey[ya * side + xa] * (65536L - fx) + grey[ya * side + xb] * (long)fx;
                long bottom = grey[yb * side + xa] * (65536L - fx) + grey[yb * side + xb] * (long)fx;
                int g = (int)((top * (65536L - fy) + bottom * fy + (1L << 31)) >> 32);
                int a = Math.Clamp((g - AlphaFrom) * 255 / AlphaRamp, 0, 255);
                Alpha[y * size + x] = (byte)a;
                Shade[y * size + x] = (byte)(90 + 165 * g / 255);
                if (a >= OpaqueAlpha)
                {
                    x1 = Math.Min(x1, x); x2 = Math.Max(x2, x);
                    y1 = Math.Min(y1, y); y2 = Math.Max(y2, y);
                }
            }
        }
        OpaqueBox = (x1, y1, x2, y2);
    }

    /// <summary>True if the item has opaque pixels.</summary>
    public bool HasObject => OpaqueBox.X2 >= OpaqueBox.X1;
}
