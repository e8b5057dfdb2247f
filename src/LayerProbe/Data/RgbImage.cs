namespace LayerProbe.Data;

/// <summary>A decoded image: 8-bit RGB, interleaved, row-major (pixel (x, y) at <c>3·(y·Width + x)</c>).</summary>
public sealed class RgbImage(int width, int height, byte[] pixels)
{
    /// <summary>Width in pixels.</summary>
    public int Width { get; } = width;
    /// <summary>Height in pixels.</summary>
    public int Height { get; } = height;
    /// <summary>Interleaved RGB bytes, length 3·Width·Height.</summary>
    public byte[] Pixels { get; } = pixels.Length == 3 * width * height ? pixels
        : throw new ArgumentException($"expected {3 * width * height} bytes for {width}x{height} RGB, got {pixels.Length}");
}
