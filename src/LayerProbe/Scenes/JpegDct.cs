namespace LayerProbe.Scenes;

/// <summary>
/// The 8×8 DCT of T.81 A.3.3 in exact integer arithmetic over <see cref="JpegTables.Basis"/>: separable, 64-bit sums,
/// one rounding at the end. Each 8-point pass folds the basis' symmetry B[u, 7 − x] = (−1)^u B[u, x] (even/odd
/// halves, half the products); the sums are the same integers as the plain matrix products, so the result is the
/// same on every machine.
/// </summary>
static class JpegDct
{
    const int Shift = 2 * JpegTables.BasisBits + 2; // the ¼ and the two 2^13 basis scales

    /// <summary>
    /// Forward DCT of level-shifted samples (natural order) and quantisation (T.81 A.3.4: round(F / Q), with F first
    /// rounded to an integer as libjpeg does), written in zig-zag order.
    /// </summary>
    /// <param name="samples">64 samples minus 128, row-major.</param>
    /// <param name="quant">The quantisation table, zig-zag order.</param>
    /// <param name="zigzag">The 64 quantised coefficients, zig-zag order.</param>
    public static void ForwardQuantize(ReadOnlySpan<int> samples, ReadOnlySpan<byte> quant, Span<int> zigzag)
    {
        Span<long> rows = stackalloc long[64];     // rows[y·8 + u] = Σx B[u,x] f[y,x]
        Span<long> natural = stackalloc long[64];  // natural[v·8 + u] = Σy B[v,y] rows[y·8 + u]
        Span<long> line = stackalloc long[8];
        Span<long> result = stackalloc long[8];
        for (int y = 0; y < 8; y++)
        {
            for (int x = 0; x < 8; x++) line[x] = samples[y * 8 + x];
            Forward8(line, result);
            for (int u = 0; u < 8; u++) rows[y * 8 + u] = result[u];
        }
        for (int u = 0; u < 8; u++)
        {
            for (int y = 0; y < 8; y++) line[y] = rows[y * 8 + u];
            Forward8(line, result);
            for (int v = 0; v < 8; v++) natural[v * 8 + u] = result[v];
        }
        const long half = 1L << (Shift - 1);
        for (int k = 0; k < 64; k++)
        {
            int f = (int)((natural[JpegTables.ZigZag[k]] + half) >> Shift), q = quant[k]; // F rounded, then F / Q rounded
            zigzag[k] = f >= 0 ? (f + q / 2) / q : -((-f + q / 2) / q);
        }
    }

    /// <summary>out[u] = Σx B[u,x] in[x], folding x and 7 − x.</summary>
    static void Forward8(ReadOnlySpan<long> input, Span<long> output)
    {
        var basis = JpegTables.Basis;
        long s0 = input[0] + input[7], s1 = input[1] + input[6], s2 = input[2] + input[5], s3 = input[3] + input[4];
        long d0 = input[0] - input[7], d1 = input[1] - input[6], d2 = input[2] - input[5], d3 = input[3] - input[4];
        for (int u = 0; u < 8; u += 2)
            output[u] = basis[u * 8] * s0 + basis[u * 8 + 1] * s1 + basis[u * 8 + 2] * s2 + basis[u * 8 + 3] * s3;
        for (int u = 1; u < 8; u += 2)
            output[u] = basis[u * 8] * d0 + basis[u * 8 + 1] * d1 + basis[u * 8 + 2] * d2 + basis[u * 8 + 3] * d3;
    }

    /// <summary>
    /// Inverse DCT of dequantised coefficients (natural order) to 8-bit samples: f = ¼ Bᵀ F B + 128, rounded and
    /// clamped (T.81 A.3.3).
    /// </summary>
    public static void Inverse(ReadOnlySpan<int> coefficients, Span<byte> output, int stride)
    {
        // only the rows and columns up to the last non-zero coefficient contribute (most photo blocks end early)
        int lastU = -1, lastV = -1;
        for (int i = 0; i < 64; i++)
            if (coefficients[i] != 0) { lastU = Math.Max(lastU, i & 7); lastV = Math.Max(lastV, i >> 3); }
        Span<long> columns = stackalloc long[64]; // columns[y·8 + u] = Σv B[v,y] F[v,u]
        Span<long> line = stackalloc long[8];
        Span<long> result = stackalloc long[8];
        for (int u = 0; u <= lastU; u++)
        {
            for (int v = 0; v < 8; v++) line[v] = coefficients[v * 8 + u];
            Inverse8(line, lastV, result);
            for (int y = 0; y < 8; y++) columns[y * 8 + u] = result[y];
        }
        const long half = 1L << (Shift - 1);
        for (int y = 0; y < 8; y++)
        {
            for (int u = 0; u < 8; u++) line[u] = u <= lastU ? columns[y * 8 + u] : 0;
            Inverse8(line, lastU, result);
            for (int x = 0; x < 8; x++)
                output[y * stride + x] = (byte)Math.Clamp(((result[x] + half) >> Shift) + 128, 0, 255);
        }
    }

    /// <summary>out[x] = Σu B[u,x] in[u] for u ≤ <paramref name="last"/>: even and odd u summed apart, then
    /// out[x] = even + odd and out[7 − x] = even − odd.</summary>
    static void Inverse8(ReadOnlySpan<long> input, int last, Span<long> output)
    {
        var basis = JpegTables.Basis;
        for (int x = 0; x < 4; x++)
        {
            long even = 0, odd = 0;
            for (int u = 0; u <= last; u += 2) even += basis[u * 8 + x] * input[u];
            for (int u = 1; u <= last; u += 2) odd += basis[u * 8 + x] * input[u];
            output[x] = even + odd;
            output[7 - x] = even - odd;
        }
    }
}
