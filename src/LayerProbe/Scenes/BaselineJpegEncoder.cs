using LayerProbe.Data;

namespace LayerProbe.Scenes;

/// <summary>
/// A baseline JPEG encoder (T.81 sequential DCT, Huffman): JFIF YCbCr with 4:2:0 chroma, the Annex K tables scaled to
/// a quality by the IJG rule. All arithmetic is integer (BT.601 colour conversion in 16-bit fixed point, the exact DCT
/// of <see cref="JpegDct"/>), so the same pixels give the same bytes on every machine — which ImageSharp's encoder,
/// whose SIMD paths round differently per instruction set, does not.
/// </summary>
static class BaselineJpegEncoder
{
    /// <summary>Encodes <paramref name="image"/> at <paramref name="quality"/> (1–100).</summary>
    public static byte[] Encode(RgbImage image, int quality)
    {
        if (quality is < 1 or > 100) throw new ArgumentOutOfRangeException(nameof(quality));
        var lumaQuant = JpegTables.ScaledQuant(JpegTables.LuminanceQuant, quality);
        var chromaQuant = JpegTables.ScaledQuant(JpegTables.ChrominanceQuant, quality);
        var (y, cb, cr, paddedWidth, paddedHeight) = ToYCbCr420(image);
        var output = new MemoryStream(image.Width * image.Height / 4 + 1024);
        WriteHeaders(output, image.Width, image.Height, lumaQuant, chromaQuant);

        var dcY = JpegHuffmanTable.Standard(JpegTables.DcLuminance);
        var acY = JpegHuffmanTable.Standard(JpegTables.AcLuminance);
        var dcC = JpegHuffmanTable.Standard(JpegTables.DcChrominance);
        var acC = JpegHuffmanTable.Standard(JpegTables.AcChrominance);
        var bits = new JpegBitWriter(output);
        int predY = 0, predCb = 0, predCr = 0;
        Span<int> samples = stackalloc int[64];
        Span<int> coefficients = stackalloc int[64];
        int chromaWidth = paddedWidth / 2;
        for (int my = 0; my < paddedHeight; my += 16)
            for (int mx = 0; mx < paddedWidth; mx += 16)
            {
                for (int b = 0; b < 4; b++)
                {
                    Block(y, paddedWidth, mx + 8 * (b & 1), my + 8 * (b >> 1), samples);
                    JpegDct.ForwardQuantize(samples, lumaQuant, coefficients);
                    predY = bits.WriteBlock(coefficients, predY, dcY, acY);
                }
                Block(cb, chromaWidth, mx / 2, my / 2, samples);
                JpegDct.ForwardQuantize(samples, chromaQuant, coefficients);
                predCb = bits.WriteBlock(coefficients, predCb, dcC, acC);
                Block(cr, chromaWidth, mx / 2, my / 2, samples);
                JpegDct.ForwardQuantize(samples, chromaQuant, coefficients);
                predCr = bits.WriteBlock(coefficients, predCr, dcC, acC);
            }
        bits.Flush();
        output.Write([0xFF, 0xD9]);
        return output.ToArray();
    }

    static void Block(byte[] plane, int stride, int x0, int y0, Span<int> samples)
    {
        for (int y = 0; y < 8; y++)
            for (int x = 0; x < 8; x++) samples[y * 8 + x] = plane[(y0 + y) * stride + x0 + x] - 128;
    }

    /// <summary>
    /// Y at full resolution and Cb/Cr averaged over 2×2 pixels, on planes padded to whole 16×16 MCUs by repeating the
    /// last column and row (JFIF/BT.601 full-range conversion).
    /// </summary>
    static (byte[] Y, byte[] Cb, byte[] Cr, int Width, int Height) ToYCbCr420(RgbImage image)
    {
        int w = image.Width, h = image.Height, pw = (w + 15) & ~15, ph = (h + 15) & ~15;
        var y = new byte[pw * ph];
        var cbFull = new int[pw * ph];
        var crFull = new int[pw * ph];
        var px = image.Pixels;
        for (int row = 0; row < ph; row++)
            for (int col = 0; col < pw; col++)
            {
                int i = 3 * (Math.Min(row, h - 1) * w + Math.Min(col, w - 1));
                int r = px[i], g = px[i + 1], b = px[i + 2];
                y[row * pw + col] = (byte)((19595 * r + 38470 * g + 7471 * b + 32768) >> 16);
                cbFull[row * pw + col] = (-11059 * r - 21709 * g + 32768 * b + (128 << 16) + 32768) >> 16;
                crFull[row * pw + col] = (32768 * r - 27439 * g - 5329 * b + (128 << 16) + 32768) >> 16;
            }
        int cw = pw / 2, ch = ph / 2;
        var cb = new byte[cw * ch];
        var cr = new byte[cw * ch];
        for (int row = 0; row < ch; row++)
            for (int col = 0; col < cw; col++)
            {
                int a = 2 * row * pw + 2 * col;
                cb[row * cw + col] = (byte)Math.Clamp((cbFull[a] + cbFull[a + 1] + cbFull[a + pw] + cbFull[a + pw + 1] + 2) >> 2, 0, 255);
                cr[row * cw + col] = (byte)Math.Clamp((crFull[a] + crFull[a + 1] + crFull[a + pw] + crFull[a + pw + 1] + 2) >> 2, 0, 255);
            }
        return (y, cb, cr, pw, ph);
    }

    static void WriteHeaders(Stream s, int width, int height, byte[] lumaQuant, byte[] chromaQuant)
    {
        s.Write([0xFF, 0xD8]);
        Segment(s, 0xE0, [(byte)'J', (byte)'F', (byte)'I', (byte)'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0]);
        Segment(s, 0xDB, [0x00, .. lumaQuant, 0x01, .. chromaQuant]);
        Segment(s, 0xC0, [8, (byte)(height >> 8), (byte)height, (byte)(width >> 8), (byte)width, 3,
            1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
        Segment(s, 0xC4, [.. JpegTables.DcLuminance, .. JpegTables.AcLuminance, .. JpegTables.DcChrominance, .. JpegTables.AcChrominance]);
        Segment(s, 0xDA, [3, 1, 0x00, 2, 0x11, 3, 0x11, 0, 63, 0]);
    }

    static void Segment(Stream s, byte marker, byte[] payload)
    {
        int length = payload.Length + 2;
        s.Write([0xFF, marker, (byte)(length >> 8), (byte)length]);
        s.Write(payload);
    }
}
