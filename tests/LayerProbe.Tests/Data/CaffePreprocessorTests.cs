using System.Diagnostics;
using LayerProbe.Data;

namespace LayerProbe.Tests.Data;

/// <summary>The Caffe/R-CNN preprocessor: colour handling, mean subtraction, zero canvas, and the resize against OpenCV.</summary>
public class CaffePreprocessorTests
{
    static RgbImage Constant(int w, int h, byte r, byte g, byte b)
    {
        var p = new byte[3 * w * h];
        for (int i = 0; i < p.Length; i += 3) { p[i] = r; p[i + 1] = g; p[i + 2] = b; }
        return new RgbImage(w, h, p);
    }

    [Fact]
    public void Constant_image_gives_colour_minus_mean_inside_the_pasted_region_and_zero_outside()
    {
        var pre = new CaffePreprocessor(MeanImage.FromPixel(10, 20, 30, 227));
        var output = new float[3 * 227 * 227];
        pre.Fill(Constant(500, 375, 200, 100, 50), new PixelBox(1, 1, 50, 40), output);
        var warp = RcnnWarp.Compute(new PixelBox(1, 1, 50, 40), 500, 375); // pads 15,14, size 212×213
        float[] expected = [50 - 10, 100 - 20, 200 - 30]; // BGR
        int inside = 0;
        for (int c = 0; c < 3; c++)
            for (int y = 0; y < 227; y++)
                for (int x = 0; x < 227; x++)
                {
                    bool pasted = x >= warp.PadX && x < warp.PadX + warp.TargetWidth && y >= warp.PadY && y < warp.PadY + warp.TargetHeight;
                    float v = output[(c * 227 + y) * 227 + x];
                    if (pasted) { Assert.Equal(expected[c], v, 1e-4f); inside++; }
                    else Assert.Equal(0f, v);
                }
        Assert.Equal(3 * 212 * 213, inside);
    }

    [Fact]
    public void Mean_image_is_taken_at_the_canvas_position()
    {
        var source = new float[3 * 256 * 256];
        for (int i = 0; i < source.Length; i++) source[i] = i % 251;
        var mean = MeanImage.CenterCrop(source, 256, 227);
        Assert.Equal(source[(0 * 256 + 14) * 256 + 14], mean.Values[0]); // offset 14
        Assert.Equal(source[(2 * 256 + 14 + 226) * 256 + 14 + 5], mean.Values[(2 * 227 + 226) * 227 + 5]);
        var output = new float[3 * 227 * 227];
        new CaffePreprocessor(mean).Fill(Constant(100, 100, 7, 7, 7), new PixelBox(1, 1, 30, 30), output);
        var warp = RcnnWarp.Compute(new PixelBox(1, 1, 30, 30), 100, 100);
        int at = (1 * 227 + warp.PadY + 3) * 227 + warp.PadX + 9;
        Assert.Equal(7 - mean.Values[at], output[at], 1e-4f);
    }

    [Fact]
    public void Whole_image_with_padding_zero_keeps_corner_pixels_and_swaps_to_bgr()
    {
        var img = Constant(40, 30, 0, 0, 0);
        img.Pixels[0] = 255; // top-left R
        img.Pixels[3 * (30 * 40) - 1] = 99; // bottom-right B
        var output = new float[3 * 227 * 227];
        new CaffePreprocessor(MeanImage.FromPixel(0, 0, 0, 227), 227, 0).Fill(img, null, output);
        Assert.Equal(255f, output[2 * 227 * 227]); // R plane, (0,0): source coordinate clamps to pixel 0
        Assert.Equal(99f, output[227 * 227 - 1]); // B plane, (226,226)
        Assert.Equal(0f, output[0]);
    }

    [Fact]
    public void Plain_warp_resizes_a_ramp_at_half_pixel_centres_and_crops_one_based_inclusive_regions()
    {
        // A horizontal ramp 0, 60, 120, 180 resized 4 -> 2 wide samples at x = 0.5 and 2.5: 30 and 150 (all channels).
        var ramp = new RgbImage(4, 1, [0, 0, 0, 60, 60, 60, 120, 120, 120, 180, 180, 180]);
        var pre = new CaffePreprocessor(MeanImage.FromPixel(0, 0, 0, 2), 2, 0);
        var output = new float[3 * 2 * 2];
        pre.Fill(ramp, null, output);
        for (int c = 0; c < 3; c++)
            for (int y = 0; y < 2; y++)
                Assert.Equal([30f, 150f], output.AsSpan(c * 4 + y * 2, 2).ToArray());
        // The VOC box [3, 1, 4, 1] (1-based, inclusive) is exactly the pixels 120 and 180.
        pre.Fill(ramp, new PixelBox(3, 1, 4, 1), output);
        Assert.Equal([120f, 180f], output.AsSpan(0, 2).ToArray());
    }

    [Theory]
    [InlineData(1, 1, 1, 1, 1, 1)]        // a single pixel, upsampled to the whole canvas
    [InlineData(3, 2, 1, 1, 3, 2)]        // tiny, fewer columns than a vector
    [InlineData(500, 375, 1, 1, 500, 375)] // downsampled; the last gathers of the last row stop at the array end
    [InlineData(500, 375, 420, 300, 500, 375)] // a box in the bottom-right corner, with context beyond the image
    [InlineData(61, 45, 5, 7, 33, 29)]    // upsampled box
    [InlineData(227, 227, 1, 1, 227, 227)] // already at the crop size
    public void Two_pass_resize_equals_the_direct_bilinear_formula(int w, int h, double x1, double y1, double x2, double y2)
    {
        var pixels = new byte[3 * w * h];
        new Random(w * 7 + h).NextBytes(pixels);
        var image = new RgbImage(w, h, pixels);
        var mean = new float[3 * 227 * 227];
        for (int i = 0; i < mean.Length; i++) mean[i] = i % 97;
        var box = new PixelBox(x1, y1, x2, y2);
        var ours = new float[3 * 227 * 227];
        new CaffePreprocessor(MeanImage.CenterCrop(mean, 227, 227)).Fill(image, box, ours);

        // Direct: every output value from its four source pixels and the same taps (in double), zero outside the window.
        var warp = RcnnWarp.Compute(box, w, h);
        int sx = (int)warp.Source.X1 - 1, sy = (int)warp.Source.Y1 - 1, sw = (int)warp.Source.Width, sh = (int)warp.Source.Height;
        var (xa, xb, wx) = Taps(sw, warp.TargetWidth);
        var (ya, yb, wy) = Taps(sh, warp.TargetHeight);
        double worst = 0;
        for (int y = 0; y < 227; y++)
            for (int x = 0; x < 227; x++)
            {
                int tx = x - warp.PadX, ty = y - warp.PadY;
                bool inside = tx >= 0 && tx < warp.TargetWidth && ty >= 0 && ty < warp.TargetHeight;
                for (int c = 0; c < 3; c++)
                {
                    int at = ((2 - c) * 227 + y) * 227 + x;
                    double expected = 0;
                    if (inside)
                    {
                        var (ax, bx, fx) = (xa[tx], xb[tx], (double)wx[tx]);
                        var (ay, by, fy) = (ya[ty], yb[ty], (double)wy[ty]);
                        double P(int px, int py) => pixels[3 * ((sy + py) * w + sx + px) + c];
                        expected = (1 - fy) * ((1 - fx) * P(ax, ay) + fx * P(bx, ay)) + fy * ((1 - fx) * P(ax, by) + fx * P(bx, by)) - mean[at];
                    }
                    else Assert.Equal(0f, ours[at]);
                    worst = Math.Max(worst, Math.Abs(ours[at] - expected));
                }
            }
        Assert.True(worst <= 1e-4, $"max |two-pass − direct| = {worst}");
    }

    static (int[] First, int[] Second, float[] Weight) Taps(int source, int destination)
    {
        var (first, second, weight) = (new int[destination], new int[destination], new float[destination]);
        BilinearTaps.Compute(source, destination, first, second, weight);
        return (first, second, weight);
    }

    [OpenCvFact]
    public void Resize_matches_opencv_inter_linear()
    {
        (int W, int H)[] sizes = [(37, 23), (500, 375), (454, 454), (227, 300)]; // up, down, exactly 2×, mixed
        var images = sizes.Select(s =>
        {
            var pixels = new byte[3 * s.W * s.H];
            new Random(s.W * 1000 + s.H).NextBytes(pixels);
            return new RgbImage(s.W, s.H, pixels);
        }).ToArray();
        var references = OpenCv.ResizeLinear(images, 227, 227); // H×W×3 RGB each, from float32 input
        var pre = new CaffePreprocessor(MeanImage.FromPixel(0, 0, 0, 227), 227, 0);
        var ours = new float[3 * 227 * 227];
        for (int k = 0; k < images.Length; k++)
        {
            pre.Fill(images[k], null, ours);
            double worst = 0;
            for (int y = 0; y < 227; y++)
                for (int x = 0; x < 227; x++)
                    for (int c = 0; c < 3; c++)
                        worst = Math.Max(worst, Math.Abs(ours[((2 - c) * 227 + y) * 227 + x] - references[k][(y * 227 + x) * 3 + c]));
            Assert.True(worst <= 1e-3, $"{sizes[k]}: max |ours − cv2| = {worst}");
        }
    }
}

/// <summary>cv2.resize through Debian python3-opencv (/usr/bin/python3).</summary>
static class OpenCv
{
    public const string Python = References.ExternalReference.Python;

    /// <summary>Why cv2 and numpy cannot be used here, or null (never a reason on CI: see ExternalReferences).</summary>
    public static string? Unavailable { get; } = References.ExternalReference.SkipReason(
        References.ExternalReferences.Get(Python), References.ExternalReferences.Get("cv2"), References.ExternalReferences.Get("numpy"));

    /// <summary>cv2.resize(INTER_LINEAR) of each image (as float32) to <paramref name="outW"/>×<paramref name="outH"/>, one Python run.</summary>
    public static float[][] ResizeLinear(RgbImage[] images, int outW, int outH)
    {
        var dir = Directory.CreateTempSubdirectory("layerprobe-cv2-").FullName;
        try
        {
            var lines = new List<string> { "import cv2, numpy as np" };
            for (int k = 0; k < images.Length; k++)
            {
                File.WriteAllBytes(Path.Combine(dir, $"{k}.in"), images[k].Pixels);
                lines.Add($"a = np.fromfile('{dir}/{k}.in', np.uint8).reshape({images[k].Height}, {images[k].Width}, 3).astype(np.float32)");
                lines.Add($"cv2.resize(a, ({outW}, {outH}), interpolation=cv2.INTER_LINEAR).astype(np.float32).tofile('{dir}/{k}.out')");
            }
            using var p = Process.Start(new ProcessStartInfo(Python, ["-c", string.Join("\n", lines)]) { RedirectStandardError = true })!;
            var err = p.StandardError.ReadToEnd();
            p.WaitForExit();
            if (p.ExitCode != 0) throw new InvalidOperationException(err);
            return [.. Enumerable.Range(0, images.Length).Select(k =>
            {
                var bytes = File.ReadAllBytes(Path.Combine(dir, $"{k}.out"));
                var result = new float[bytes.Length / 4];
                Buffer.BlockCopy(bytes, 0, result, 0, bytes.Length);
                return result;
            })];
        }
        finally { Directory.Delete(dir, true); }
    }
}

/// <summary>Skipped, with the reason, when OpenCV for Python is not available.</summary>
sealed class OpenCvFactAttribute : FactAttribute
{
    public OpenCvFactAttribute() { if (OpenCv.Unavailable is { } why) Skip = why; }
}
