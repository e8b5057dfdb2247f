namespace LayerProbe.Scenes;

/// <summary>
/// The 8×8 DCT of T.81 A.3.3 in exact integer arithmetic over <see cref="JpegTables.Basis"/>: separable, 64-bit sums,
/// one rounding at the end. Slower than the fast factorisations, but the same result on every machine.
/// </summary>
static class JpegDct
{
    const int Shift = 2 * JpegTables.BasisBits + 2; // the ¼ and the two 2^13 basis scales

    /// <summary>
    /// Forward DCT of level-shifted samples (natural order) and quantisation (T.81 A.3.4: round(F / Q)), written
    /// in zig-zag order.
    /// </summary>
    /// <param name="samples">64 samples minus 128, row-major.</param>
    /// <param name="quant">The quantisation table, zig-zag order.</param>
    /// <param name="zigzag">The 64 quantised coefficients, zig-zag order.</param>
    public static void ForwardQuantize(ReadOnlySpan<int> samples, ReadOnlySpan<byte> quant, Span<int> zigzag)
    {
        var basis = JpegTables.Basis;
        Span<long> rows = stackalloc long[64]; // rows[y·8 + u] = Σx B[u,x] f[y,x]
        for (int y = 0; y < 8; y++)
            for (int u = 0; u < 8; u++)
            {
                long sum = 0;
                for (int x = 0; x < 8; x++) sum += basis[u * 8 + x] * samples[y * 8 + x];
                rows[y * 8 + u] = sum;
            }
        for (int k = 0; k < 64; k++)
        {
            int natural = JpegTables.ZigZag[k], v = natural >> 3, u = natural & 7;
            long sum = 0;
            for (int y = 0; y < 8; y++) sum += basis[v * 8 + y] * rows[y * 8 + u];
            long divisor = (long)quant[k] << Shift;
            zigzag[k] = (int)(sum >= 0 ? (sum + divisor / 2) / divisor : -((-sum + divisor / 2) / divisor));
        }
    }

    /// <summary>
    /// Inverse DCT of dequantised coefficients (natural order) to 8-bit samples: f = ¼ Bᵀ F B + 128, rounded and
    /// clamped (T.81 A.3.3).
    /// </summary>
    public static void Inverse(ReadOnlySpan<int> coefficients, Span<byte> output, int stride)
    {
        var basis = JpegTables.Basis;
        // only the rows and columns up to the last non-zero coefficient contribute (most photo blocks end early)
        int lastU = -1, lastV = -1;
        for (int i = 0; i < 64; i++)
            if (coefficients[i] != 0) { lastU = Math.Max(lastU, i & 7); lastV = Math.Max(lastV, i >> 3); }
        Span<long> columns = stackalloc long[64]; // columns[y·8 + u] = Σv B[v,y] F[v,u]
        for (int u = 0; u <= lastU; u++)
            for (int y = 0; y < 8; y++)
            {
                long sum = 0;
                for (int v = 0; v <= lastV; v++) sum += basis[v * 8 + y] * coefficients[v * 8 + u];
                columns[y * 8 + u] = sum;
            }
        const long half = 1L << (Shift - 1);
        for (int y = 0; y < 8; y++)
            for (int x = 0; x < 8; x++)
            {
                long sum = 0;
                for (int u = 0; u <= lastU; u++) sum += basis[u * 8 + x] * columns[y * 8 + u];
                long value = ((sum + half) >> Shift) + 128;
                output[y * stride + x] = (byte)Math.Clamp(value, 0, 255);
            }
    }
}
