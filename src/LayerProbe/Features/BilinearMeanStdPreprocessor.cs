using LayerProbe.Data;

namespace LayerProbe.Features;

/// <summary>
/// Minimal ImageNet-style preprocessing: crop to the region (whole image when null), bilinear resize (half-pixel
/// centres) to Height×Width, RGB, scale to [0, 1], subtract the per-channel mean and divide by the standard deviation
/// (defaults: ImageNet 0.485/0.456/0.406 and 0.229/0.224/0.225). A stop-gap for <c>extract --images</c> until the
/// Data/ preprocessors replace it.
/// </summary>
public sealed class BilinearMeanStdPreprocessor : IPreprocessor
{
    readonly float[] _mean, _std;

    /// <summary>Preprocessing to <paramref name="height"/>×<paramref name="width"/> with the given per-channel RGB statistics.</summary>
    public BilinearMeanStdPreprocessor(int height, int width, float[]? mean = null, float[]? std = null)
    {
        if (height < 1 || width < 1) throw new ArgumentOutOfRangeException(nameof(height), "input size must be positive");
        Height = height;
        Width = width;
        _mean = mean ?? [0.485f, 0.456f, 0.406f];
        _std = std ?? [0.229f, 0.224f, 0.225f];
        if (_mean.Length != 3 || _std.Length != 3 || _std.Any(s => s <= 0)) throw new ArgumentException("mean and std need 3 values, std positive");
    }

    /// <inheritdoc/>
    public int Channels => 3;
    /// <inheritdoc/>
    public int Height { get; }
    /// <inheritdoc/>
    public int Width { get; }
    /// <inheritdoc/>
    public string Description => FormattableString.Invariant(
        $"bilinear-mean-std v1: crop region, bilinear half-pixel resize to {Width}x{Height}, RGB/255, mean [{_mean[0]}, {_mean[1]}, {_mean[2]}], std [{_std[0]}, {_std[1]}, {_std[2]}], CHW");

    /// <inheritdoc/>
    public void Fill(RgbImage image, PixelBox? region, Span<float> destination)
    {
        if (destination.Length != 3 * Height * Width) throw new ArgumentException($"destination holds {destination.Length} values, need {3 * Height * Width}");
        var box = region ?? PixelBox.WholeImage(image.Width, image.Height);
        // VOC boxes are 1-based inclusive; clip to the image and convert to a 0-based [x0, x0 + w) window.
        double x0 = Math.Clamp(box.X1 - 1, 0, image.Width - 1), y0 = Math.Clamp(box.Y1 - 1, 0, image.Height - 1);
        double x1 = Math.Clamp(box.X2, x0 + 1, image.Width), y1 = Math.Clamp(box.Y2, y0 + 1, image.Height);
        double sx = (x1 - x0) / Width, sy = (y1 - y0) / Height;
        var pixels = image.Pixels;
        int plane = Height * Width, stride = 3 * image.Width;
        // Column taps are the same for every row: byte offsets of the two source pixels and the weight of the right one.
        Span<int> left = Width <= 1024 ? stackalloc int[Width] : new int[Width];
        Span<int> right = Width <= 1024 ? stackalloc int[Width] : new int[Width];
        Span<float> wxs = Width <= 1024 ? stackalloc float[Width] : new float[Width];
        for (int x = 0; x < Width; x++)
        {
            double fx = Math.Clamp(x0 + (x + 0.5) * sx - 0.5, 0, image.Width - 1);
            int xa = (int)fx;
            left[x] = 3 * xa;
            right[x] = 3 * Math.Min(xa + 1, image.Width - 1);
            wxs[x] = (float)(fx - xa);
        }
        for (int c = 0; c < 3; c++)
        {
            float scale = 1f / (255f * _std[c]), offset = _mean[c] / _std[c];
            var channel = destination.Slice(c * plane, plane);
            for (int y = 0; y < Height; y++)
            {
                double fy = Math.Clamp(y0 + (y + 0.5) * sy - 0.5, 0, image.Height - 1);
                int ya = (int)fy;
                float wy = (float)(fy - ya);
                var top = pixels.AsSpan(ya * stride + c);
                var bottom = pixels.AsSpan(Math.Min(ya + 1, image.Height - 1) * stride + c);
                var row = channel.Slice(y * Width, Width);
                for (int x = 0; x < row.Length; x++)
                {
                    int a = left[x], b = right[x];
                    float t = top[a] + wxs[x] * (top[b] - top[a]);
                    float u = bottom[a] + wxs[x] * (bottom[b] - bottom[a]);
                    row[x] = (t + wy * (u - t)) * scale - offset;
                }
            }
        }
    }
}
