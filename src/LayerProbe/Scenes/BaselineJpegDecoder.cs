using LayerProbe.Data;

namespace LayerProbe.Scenes;

/// <summary>
/// A baseline JPEG decoder (T.81 sequential DCT, Huffman, 8-bit; restart intervals; grey or YCbCr with chroma
/// subsampled by 1 or 2 in each direction) in integer arithmetic: the exact inverse DCT of <see cref="JpegDct"/>,
/// triangle-filter chroma upsampling and BT.601 conversion in 16-bit fixed point. The scenes generator decodes its
/// background photographs with it because ImageSharp's decoder gives different pixels with and without AVX2.
/// Progressive and arithmetic-coded files are refused with a clear message.
/// </summary>
static class BaselineJpegDecoder
{
    sealed class Component(int id, int h, int v, int quantId)
    {
        public int Id = id, H = h, V = v, QuantId = quantId, DcTable, AcTable, Predictor;
        public int BlocksWide, BlocksHigh;
        public byte[] Plane = [];
    }

    /// <summary>Decodes the file at <paramref name="path"/>.</summary>
    public static RgbImage Decode(string path)
    {
        byte[] data;
        try { data = File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        { throw LayerProbeException.For(path, $"cannot read image: {e.Message}", e); }
        return Decode(data, path);
    }

    /// <summary>Decodes encoded bytes; <paramref name="source"/> names them in errors.</summary>
    public static RgbImage Decode(ReadOnlySpan<byte> data, string source)
    {
        if (data.Length < 4 || data[0] != 0xFF || data[1] != 0xD8) throw LayerProbeException.For(source, "not a JPEG file");
        var quant = new int[4][];
        var dc = new JpegHuffmanTable?[4];
        var ac = new JpegHuffmanTable?[4];
        Component[]? components = null;
        int width = 0, height = 0, restartInterval = 0, p = 2;
        while (true)
        {
            while (p < data.Length && data[p] == 0xFF && p + 1 < data.Length && data[p + 1] == 0xFF) p++; // fill bytes
            if (p + 4 > data.Length || data[p] != 0xFF) throw LayerProbeException.For(source, "truncated or corrupt JPEG (expected a marker)");
            int marker = data[p + 1];
            if (marker == 0xD9) throw LayerProbeException.For(source, "JPEG has no image data");
            int length = (data[p + 2] << 8) | data[p + 3];
            if (length < 2 || p + 2 + length > data.Length) throw LayerProbeException.For(source, "truncated JPEG segment");
            var payload = data.Slice(p + 4, length - 2);
            p += 2 + length;
            switch (marker)
            {
                case 0xDB: ReadQuant(payload, quant, source); break;
                case 0xC4:
                    foreach (var table in JpegHuffmanTable.Parse(payload.ToArray(), source))
                        (table.TableClass == 0 ? dc : ac)[table.Id] = table;
                    break;
                case 0xDD: restartInterval = (payload[0] << 8) | payload[1]; break;
                case 0xC0 or 0xC1: (components, width, height) = ReadFrame(payload, source); break;
                case 0xC2 or 0xC6 or 0xCA or 0xCE: throw LayerProbeException.For(source, "progressive JPEG is not supported (baseline only)");
                case >= 0xC3 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC:
                    throw LayerProbeException.For(source, $"unsupported JPEG coding (SOF marker {marker:X2}; baseline only)");
                case 0xDA:
                    if (components is null) throw LayerProbeException.For(source, "JPEG scan before its frame header");
                    p = ReadScan(data, p, payload, components, quant, dc, ac, restartInterval, source);
                    return ToRgb(components, width, height);
            }
        }
    }

    static void ReadQuant(ReadOnlySpan<byte> payload, int[][] quant, string source)
    {
        for (int p = 0; p < payload.Length;)
        {
            int precision = payload[p] >> 4, id = payload[p] & 3, size = precision == 0 ? 64 : 128;
            if (p + 1 + size > payload.Length) throw LayerProbeException.For(source, "truncated DQT segment");
            var table = new int[64];
            for (int k = 0; k < 64; k++)
                table[JpegTables.ZigZag[k]] = precision == 0 ? payload[p + 1 + k] : (payload[p + 1 + 2 * k] << 8) | payload[p + 2 + 2 * k];
            quant[id] = table;
            p += 1 + size;
        }
    }

    static (Component[], int, int) ReadFrame(ReadOnlySpan<byte> f, string source)
    {
        if (f.Length < 6 || f[0] != 8) throw LayerProbeException.For(source, "only 8-bit JPEG is supported");
        int height = (f[1] << 8) | f[2], width = (f[3] << 8) | f[4], count = f[5];
        if (width == 0 || height == 0) throw LayerProbeException.For(source, "JPEG without image size");
        if (count is not (1 or 3) || f.Length < 6 + 3 * count) throw LayerProbeException.For(source, $"JPEG with {count} components (1 or 3 supported)");
        var components = new Component[count];
        for (int i = 0; i < count; i++)
            components[i] = new Component(f[6 + 3 * i], f[7 + 3 * i] >> 4, f[7 + 3 * i] & 15, f[8 + 3 * i] & 3);
        int hMax = components.Max(c => c.H), vMax = components.Max(c => c.V);
        if (components.Any(c => c.H is < 1 or > 2 || c.V is < 1 or > 2 || (count == 3 && (hMax % c.H != 0 || vMax % c.V != 0))))
            throw LayerProbeException.For(source, "unsupported JPEG chroma subsampling");
        if (count == 1) components[0].H = components[0].V = 1; // a single component is never interleaved (A.2.2)
        int mcusWide = (width + 8 * hMax - 1) / (8 * hMax), mcusHigh = (height + 8 * vMax - 1) / (8 * vMax);
        if (count == 1) { mcusWide = (width + 7) / 8; mcusHigh = (height + 7) / 8; }
        foreach (var c in components)
        {
            c.BlocksWide = mcusWide * c.H; c.BlocksHigh = mcusHigh * c.V;
            c.Plane = new byte[c.BlocksWide * 8 * c.BlocksHigh * 8];
        }
        return (components, width, height);
    }

    static int ReadScan(ReadOnlySpan<byte> data, int p, ReadOnlySpan<byte> header, Component[] components, int[][] quant,
        JpegHuffmanTable?[] dc, JpegHuffmanTable?[] ac, int restartInterval, string source)
    {
        int count = header[0];
        if (count != components.Length) throw LayerProbeException.For(source, "JPEG with several scans is not supported (baseline single scan only)");
        for (int i = 0; i < count; i++)
        {
            int id = header[1 + 2 * i];
            var c = components.FirstOrDefault(c => c.Id == id) ?? throw LayerProbeException.For(source, "scan names an unknown component");
            c.DcTable = header[2 + 2 * i] >> 4; c.AcTable = header[2 + 2 * i] & 15;
            if (dc[c.DcTable & 3] is null || ac[c.AcTable & 3] is null || quant[c.QuantId] is null)
                throw LayerProbeException.For(source, "scan uses a table the file does not define");
        }
        int mcusWide = components[0].BlocksWide / components[0].H, mcusHigh = components[0].BlocksHigh / components[0].V;
        var bits = new JpegBitReader(data, p, source);
        var block = new int[64];
        int restarts = 0, untilRestart = restartInterval;
        for (int my = 0; my < mcusHigh; my++)
            for (int mx = 0; mx < mcusWide; mx++)
            {
                if (restartInterval > 0 && untilRestart-- == 0)
                {
                    bits.Restart(restarts++ & 7);
                    foreach (var c in components) c.Predictor = 0;
                    untilRestart = restartInterval - 1;
                }
                foreach (var c in components)
                    for (int by = 0; by < c.V; by++)
                        for (int bx = 0; bx < c.H; bx++)
                        {
                            DecodeBlock(ref bits, c, dc[c.DcTable & 3]!, ac[c.AcTable & 3]!, quant[c.QuantId], block);
                            int x0 = (mx * c.H + bx) * 8, y0 = (my * c.V + by) * 8, stride = c.BlocksWide * 8;
                            JpegDct.Inverse(block, c.Plane.AsSpan(y0 * stride + x0), stride);
                        }
            }
        if (bits.PastEnd) throw LayerProbeException.For(source, "truncated JPEG (the scan ends early)");
        return bits.Position;
    }

    static void DecodeBlock(ref JpegBitReader bits, Component c, JpegHuffmanTable dc, JpegHuffmanTable ac, int[] quant, int[] block)
    {
        Array.Clear(block);
        int size = dc.Decode(ref bits);
        if (size > 11) throw LayerProbeException.For(bits.Source, "corrupt JPEG data (DC magnitude)");
        c.Predictor += bits.ReceiveExtend(size);
        block[0] = c.Predictor * quant[0];
        for (int k = 1; k < 64;)
        {
            int rs = ac.Decode(ref bits), run = rs >> 4, s = rs & 15;
            if (s == 0)
            {
                if (run != 15) break; // EOB
                k += 16;
                continue;
            }
            k += run;
            if (k > 63) throw LayerProbeException.For(bits.Source, "corrupt JPEG data (coefficient index past 63)");
            int natural = JpegTables.ZigZag[k++];
            block[natural] = bits.ReceiveExtend(s) * quant[natural];
        }
    }

    static RgbImage ToRgb(Component[] components, int width, int height)
    {
        var pixels = new byte[3 * width * height];
        if (components.Length == 1)
        {
            var c = components[0];
            int stride = c.BlocksWide * 8;
            for (int y = 0; y < height; y++)
                for (int x = 0; x < width; x++)
                    pixels[3 * (y * width + x)] = pixels[3 * (y * width + x) + 1] = pixels[3 * (y * width + x) + 2] = c.Plane[y * stride + x];
            return new RgbImage(width, height, pixels);
        }
        int hMax = components.Max(c => c.H), vMax = components.Max(c => c.V);
        var planes = components.Select(c => ChromaUpsampling.ToFull(c.Plane, c.BlocksWide * 8, c.BlocksHigh * 8,
            hMax / c.H, vMax / c.V, width, height)).ToArray();
        var (yp, cb, cr) = (planes[0], planes[1], planes[2]);
        for (int i = 0; i < width * height; i++)
        {
            int luma = yp[i] << 16, u = cb[i] - 128, v = cr[i] - 128;
            pixels[3 * i] = Clamp(luma + 91881 * v);
            pixels[3 * i + 1] = Clamp(luma - 22554 * u - 46802 * v);
            pixels[3 * i + 2] = Clamp(luma + 116130 * u);
        }
        return new RgbImage(width, height, pixels);
    }

    static byte Clamp(int fixed16) => (byte)Math.Clamp((fixed16 + 32768) >> 16, 0, 255);
}
