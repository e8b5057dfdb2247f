using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace LayerProbe.Data;

/// <summary>
/// The bilinear resize of <see cref="BilinearTaps"/> done in two passes: every source row an output row reads is
/// resampled horizontally once, into planar B, G, R floats (AVX2 gathers straight from the interleaved bytes), and each
/// output row then blends its two cached source rows and subtracts the mean image, eight values at a time. Both passes
/// compute a + w·(b − a) (= a·(1 − w) + b·w), the same operations on the vector and the scalar paths, so a result does
/// not depend on the instruction set or on where a vector block ends.
/// </summary>
static class SeparableBilinearResize
{
    const int Lanes = 8;

    /// <summary>The source rectangle and where its resized copy lands in the canvas (square unless a height is given).</summary>
    public readonly record struct Placement(int SourceX, int SourceY, int SourceWidth, int SourceHeight,
        int TargetWidth, int TargetHeight, int PadX, int PadY, int CanvasWidth, int CanvasHeight)
    {
        /// <summary>A placement in a square canvas of side <paramref name="canvasSize"/> (the R-CNN warp's).</summary>
        public Placement(int sourceX, int sourceY, int sourceWidth, int sourceHeight, int targetWidth, int targetHeight, int padX, int padY, int canvasSize)
            : this(sourceX, sourceY, sourceWidth, sourceHeight, targetWidth, targetHeight, padX, padY, canvasSize, canvasSize) { }
    }

    /// <summary>
    /// Writes the resized rectangle of <paramref name="image"/> (RGB) as BGR planes minus <paramref name="mean"/> into
    /// the placement's window of <paramref name="canvas"/> (3 planes of CanvasWidth × CanvasHeight, the rest left untouched).
    /// </summary>
    public static void Into(RgbImage image, Placement p, ReadOnlySpan<float> mean, Span<float> canvas)
    {
        int tw = p.TargetWidth, th = p.TargetHeight;
        Span<int> xa = stackalloc int[tw], xb = stackalloc int[tw], ya = stackalloc int[th], yb = stackalloc int[th];
        Span<float> wx = stackalloc float[tw], wy = stackalloc float[th];
        BilinearTaps.Compute(p.SourceWidth, tw, xa, xb, wx);
        BilinearTaps.Compute(p.SourceHeight, th, ya, yb, wy);
        for (int x = 0; x < tw; x++) { xa[x] = 3 * (p.SourceX + xa[x]); xb[x] = 3 * (p.SourceX + xb[x]); }

        var rows = new SourceRows(image, p.SourceY, xa, xb, wx, stackalloc float[2 * 3 * tw]);
        int plane = p.CanvasWidth * p.CanvasHeight;
        for (int y = 0; y < th; y++)
        {
            var top = rows.Resampled(ya[y], keep: yb[y]);
            var bottom = rows.Resampled(yb[y], keep: ya[y]);
            int at = (p.PadY + y) * p.CanvasWidth + p.PadX;
            for (int c = 0; c < 3; c++)
                Blend(top.Slice(c * tw, tw), bottom.Slice(c * tw, tw), wy[y],
                      mean.Slice(c * plane + at, tw), canvas.Slice(c * plane + at, tw));
        }
    }

    /// <summary>Two cached horizontally resampled source rows, each three planes (B, G, R) of the target width.</summary>
    ref struct SourceRows
    {
        readonly RgbImage _image;
        readonly int _sourceY;
        readonly ReadOnlySpan<int> _xa, _xb;
        readonly ReadOnlySpan<float> _wx;
        readonly Span<float> _storage;
        int _row0, _row1;

        public SourceRows(RgbImage image, int sourceY, ReadOnlySpan<int> xa, ReadOnlySpan<int> xb, ReadOnlySpan<float> wx, Span<float> storage)
        {
            _image = image;
            _sourceY = sourceY;
            _xa = xa;
            _xb = xb;
            _wx = wx;
            _storage = storage;
            _row0 = _row1 = -1;
        }

        /// <summary>Row <paramref name="row"/> of the source rectangle, resampled; never evicts row <paramref name="keep"/>.</summary>
        public ReadOnlySpan<float> Resampled(int row, int keep)
        {
            int length = 3 * _wx.Length;
            if (_row0 == row) return _storage[..length];
            if (_row1 == row) return _storage.Slice(length, length);
            bool first = _row0 != keep;
            var planes = first ? _storage[..length] : _storage.Slice(length, length);
            Horizontal(_image, _sourceY + row, _xa, _xb, _wx, planes);
            if (first) _row0 = row; else _row1 = row;
            return planes;
        }
    }

    /// <summary>One source row resampled to planar B, G, R (<c>planes</c> = 3 × taps).</summary>
    static unsafe void Horizontal(RgbImage image, int sourceRow, ReadOnlySpan<int> xa, ReadOnlySpan<int> xb, ReadOnlySpan<float> wx, Span<float> planes)
    {
        int n = wx.Length;
        byte[] pixels = image.Pixels;
        int rowStart = sourceRow * 3 * image.Width;
        int x = 0;
        if (Avx2.IsSupported)
        {
            // A gather reads 4 bytes from each channel's offset: stop where that would run past the pixel array.
            int vectorEnd = n;
            while (vectorEnd > 0 && rowStart + xb[vectorEnd - 1] + 2 + 4 > pixels.Length) vectorEnd--;
            var low = Vector256.Create(0xFF);
            fixed (byte* row0 = &pixels[rowStart])
            fixed (int* pa = xa, pb = xb)
            fixed (float* pw = wx, pout = planes)
            {
                for (; x + Lanes <= vectorEnd; x += Lanes)
                {
                    var ia = Avx.LoadVector256(pa + x);
                    var ib = Avx.LoadVector256(pb + x);
                    var w = Avx.LoadVector256(pw + x);
                    for (int c = 0; c < 3; c++)
                    {
                        var left = Avx.ConvertToVector256Single(Avx2.GatherVector256((int*)(row0 + c), ia, 1) & low);
                        var right = Avx.ConvertToVector256Single(Avx2.GatherVector256((int*)(row0 + c), ib, 1) & low);
                        Avx.Store(pout + (2 - c) * n + x, left + w * (right - left));
                    }
                }
            }
        }
        for (; x < n; x++)
            for (int c = 0; c < 3; c++)
            {
                float left = pixels[rowStart + xa[x] + c], right = pixels[rowStart + xb[x] + c];
                planes[(2 - c) * n + x] = left + wx[x] * (right - left);
            }
    }

    /// <summary><c>output = top + w·(bottom − top) − mean</c>.</summary>
    static void Blend(ReadOnlySpan<float> top, ReadOnlySpan<float> bottom, float w, ReadOnlySpan<float> mean, Span<float> output)
    {
        int n = output.Length, x = 0;
        ref float t = ref MemoryMarshal.GetReference(top), b = ref MemoryMarshal.GetReference(bottom);
        ref float m = ref MemoryMarshal.GetReference(mean), o = ref MemoryMarshal.GetReference(output);
        if (Vector256.IsHardwareAccelerated)
        {
            var vw = Vector256.Create(w);
            for (; x + Lanes <= n; x += Lanes)
            {
                var vt = Vector256.LoadUnsafe(ref t, (nuint)x);
                var value = vt + vw * (Vector256.LoadUnsafe(ref b, (nuint)x) - vt);
                (value - Vector256.LoadUnsafe(ref m, (nuint)x)).StoreUnsafe(ref o, (nuint)x);
            }
        }
        for (; x < n; x++)
        {
            float vt = Unsafe.Add(ref t, x);
            Unsafe.Add(ref o, x) = vt + w * (Unsafe.Add(ref b, x) - vt) - Unsafe.Add(ref m, x);
        }
    }
}
