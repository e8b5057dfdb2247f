namespace LayerProbe.Scenes;

/// <summary>
/// Fixed tables of baseline JPEG (ITU-T T.81): the zig-zag order, the Annex K example quantisation tables and
/// Huffman tables, and the 8×8 DCT basis in 13-bit fixed point. Everything the codec computes from them is integer
/// arithmetic, so its output is the same on every machine and instruction set.
/// </summary>
static class JpegTables
{
    /// <summary>ZigZag[k] = natural (row-major) index of the k-th coefficient in zig-zag order.</summary>
    public static readonly int[] ZigZag = BuildZigZag();

    /// <summary>Annex K luminance quantisation table (K.1), zig-zag order.</summary>
    public static readonly byte[] LuminanceQuant = Convert.FromHexString(
        "100b0c0e0c0a100e0d0e1211101318281a181616183123251d283a333d3c3933383740485c4e404457453738506d51575f626768673e4d71797064785c656763");

    /// <summary>Annex K chrominance quantisation table (K.2), zig-zag order.</summary>
    public static readonly byte[] ChrominanceQuant = Convert.FromHexString(
        "1112121815182f1a1a2f634238426363636363636363636363636363636363636363636363636363636363636363636363636363636363636363636363636363");

    /// <summary>Annex K.3 Huffman tables as DHT payloads (class/id byte, 16 code counts, symbols).</summary>
    public static readonly byte[] DcLuminance = Convert.FromHexString("0000010501010101010100000000000000000102030405060708090a0b");
    /// <inheritdoc cref="DcLuminance"/>
    public static readonly byte[] AcLuminance = Convert.FromHexString(
        "100002010303020403050504040000017d01020300041105122131410613516107227114328191a1082342b1c11552d1f02433627282090a161718191a25262728292a3435363738393a434445464748494a535455565758595a636465666768696a737475767778797a838485868788898a92939495969798999aa2a3a4a5a6a7a8a9aab2b3b4b5b6b7b8b9bac2c3c4c5c6c7c8c9cad2d3d4d5d6d7d8d9dae1e2e3e4e5e6e7e8e9eaf1f2f3f4f5f6f7f8f9fa");
    /// <inheritdoc cref="DcLuminance"/>
    public static readonly byte[] DcChrominance = Convert.FromHexString("0100030101010101010101010000000000000102030405060708090a0b");
    /// <inheritdoc cref="DcLuminance"/>
    public static readonly byte[] AcChrominance = Convert.FromHexString(
        "1100020102040403040705040400010277000102031104052131061241510761711322328108144291a1b1c109233352f0156272d10a162434e125f11718191a262728292a35363738393a434445464748494a535455565758595a636465666768696a737475767778797a82838485868788898a92939495969798999aa2a3a4a5a6a7a8a9aab2b3b4b5b6b7b8b9bac2c3c4c5c6c7c8c9cad2d3d4d5d6d7d8d9dae2e3e4e5e6e7e8e9eaf2f3f4f5f6f7f8f9fa");

    /// <summary>Fixed-point scale of <see cref="Basis"/>: 2^13.</summary>
    public const int BasisBits = 13;

    /// <summary>
    /// Basis[u·8 + x] = round(2^13 · c(u) · cos((2x + 1)uπ/16)), c(0) = 1/√2, else 1. The DCT of T.81 (A.3.3) is
    /// F = ¼ · B f Bᵀ / 2^26 and its inverse f = ¼ · Bᵀ F B / 2^26.
    /// </summary>
    public static readonly long[] Basis = BuildBasis();

    /// <summary>A quantisation table scaled to <paramref name="quality"/> (1–100) by the IJG rule, zig-zag order.</summary>
    public static byte[] ScaledQuant(byte[] table, int quality)
    {
        int scale = quality < 50 ? 5000 / quality : 200 - 2 * quality;
        return table.Select(q => (byte)Math.Clamp((q * scale + 50) / 100, 1, 255)).ToArray();
    }

    static int[] BuildZigZag()
    {
        var order = new int[64];
        int k = 0;
        for (int s = 0; s < 15; s++)
        {
            // even diagonals run up-right (row decreasing), odd ones down-left
            int lo = Math.Max(0, s - 7), hi = Math.Min(7, s);
            for (int i = lo; i <= hi; i++)
            {
                int row = s % 2 == 0 ? s - i : i;
                order[k++] = row * 8 + (s - row);
            }
        }
        return order;
    }

    static long[] BuildBasis()
    {
        // round(2^13 · cos(kπ/16)), k = 0..8; listed, not computed, so no libm rounding can differ between machines
        int[] cos = [8192, 8035, 7568, 6811, 5793, 4551, 3135, 1598, 0];
        var basis = new long[64];
        for (int u = 0; u < 8; u++)
            for (int x = 0; x < 8; x++)
            {
                int m = (2 * x + 1) * u % 32;
                int sign = 1;
                if (m > 16) m = 32 - m;
                if (m > 8) { m = 16 - m; sign = -1; }
                basis[u * 8 + x] = u == 0 ? cos[4] : sign * cos[m];
            }
        return basis;
    }
}
