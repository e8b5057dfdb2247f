using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace LayerProbe.Probes;

/// <summary>
/// The products of <see cref="BatchedProducts"/> for ReLU-like features that are mostly zeros: each row's non-zeros
/// are found on the fly (no sparse copy of the matrix) and only they are multiplied, against V and G stored
/// feature-major (D × K', K' = K rounded up to 16), so one non-zero costs K'/16 vector FMAs. Row by row: the
/// forward product for a row is followed at once by its backward product. Output layouts match <see cref="BatchedProducts"/>.
/// </summary>
internal static class SparseRowProducts
{
    /// <summary>Fraction of non-zero values below which the sparse kernels are used (measured crossover is near 0.5).</summary>
    public const double DensityThreshold = 0.4;

    /// <summary>Fraction of non-zeros in a seeded sample of up to 200 rows.</summary>
    public static double EstimateDensity(IFeatureRows x)
    {
        var rng = new Random(7);
        int m = Math.Min(200, x.Count);
        long nz = 0;
        for (int s = 0; s < m; s++)
            foreach (var v in x.Row(rng.Next(x.Count))) if (v != 0) nz++;
        return m == 0 ? 1 : nz / ((double)m * x.Dimensions);
    }

    static int Padded(int k) => (k + 15) / 16 * 16;

    static float[] Transpose(float[] v, int k, int d)
    {
        int kp = Padded(k);
        var t = new float[d * kp];
        for (int c = 0; c < k; c++)
            for (int j = 0; j < d; j++) t[j * kp + c] = v[c * d + j];
        return t;
    }

    /// <summary>Z[i·K + c] = x_i·V_c + B·vb_c for every listed row.</summary>
    public static void Forward(IFeatureRows x, int[] rows, int rowCount, float[] v, double[] vb, double bias, int k, double[] z)
    {
        int d = x.Dimensions, kp = Padded(k);
        var vt = Transpose(v, k, d);
        Run(rowCount, d, kp, null, (start, end, _) =>
        {
            var idx = new int[d]; var val = new float[d]; var zr = new float[kp];
            for (int r = start; r < end; r++)
            {
                int i = rows[r];
                int m = NonZeros(x.Row(i), idx, val);
                RowForward(idx, val, m, vt, kp, zr);
                for (int c = 0; c < k; c++) z[i * k + c] = zr[c] + bias * vb[c];
            }
        });
    }

    /// <summary>See <see cref="BatchedProducts.ForwardBackward"/>.</summary>
    public static void ForwardBackward(IFeatureRows x, int[] rows, int rowCount, float[] v, double[] vb, double bias, int k,
        float[] coef, float[] g, double[] gb)
    {
        int d = x.Dimensions, kp = Padded(k);
        var vt = Transpose(v, k, d);
        Run(rowCount, d, kp, (g, gb, k), (start, end, acc) =>
        {
            var idx = new int[d]; var val = new float[d]; var zr = new float[kp]; var ur = new float[kp];
            for (int r = start; r < end; r++)
            {
                int i = rows[r];
                int m = NonZeros(x.Row(i), idx, val);
                RowForward(idx, val, m, vt, kp, zr);
                for (int c = 0; c < k; c++)
                {
                    float u = coef[i * k + c] * (float)(zr[c] + bias * vb[c]);
                    ur[c] = u;
                    acc.Gb[c] += bias * u;
                }
                RowBackward(idx, val, m, ur, kp, acc.Gt, squared: false);
            }
        });
    }

    /// <summary>See <see cref="BatchedProducts.Backward"/>.</summary>
    public static void Backward(IFeatureRows x, int[] rows, int rowCount, double[] u, double bias, int k, float[] g, double[] gb)
    {
        int d = x.Dimensions, kp = Padded(k);
        Run(rowCount, d, kp, (g, gb, k), (start, end, acc) =>
        {
            var idx = new int[d]; var val = new float[d]; var ur = new float[kp];
            for (int r = start; r < end; r++)
            {
                int i = rows[r];
                for (int c = 0; c < k; c++) { ur[c] = (float)u[i * k + c]; acc.Gb[c] += bias * u[i * k + c]; }
                RowBackward(idx, val, NonZeros(x.Row(i), idx, val), ur, kp, acc.Gt, squared: false);
            }
        });
    }

    /// <summary>See <see cref="BatchedProducts.SquaredBackward"/>.</summary>
    public static void SquaredBackward(IFeatureRows x, int[] rows, int rowCount, float[] coef, double bias, int k, float[] g, double[] gb)
    {
        int d = x.Dimensions, kp = Padded(k);
        Run(rowCount, d, kp, (g, gb, k), (start, end, acc) =>
        {
            var idx = new int[d]; var val = new float[d]; var ur = new float[kp];
            for (int r = start; r < end; r++)
            {
                int i = rows[r];
                for (int c = 0; c < k; c++) { ur[c] = coef[i * k + c]; acc.Gb[c] += bias * bias * coef[i * k + c]; }
                RowBackward(idx, val, NonZeros(x.Row(i), idx, val), ur, kp, acc.Gt, squared: true);
            }
        });
    }

    sealed record Accumulator(float[] Gt, double[] Gb);
    delegate void RangeWork(int start, int end, Accumulator acc);

    /// <summary>Splits the rows over the cores; with an output, each range accumulates into its own feature-major G,
    /// summed and transposed into the caller's class-major G at the end.</summary>
    static void Run(int rowCount, int d, int kp, (float[] G, double[] Gb, int K)? output, RangeWork work)
    {
        int t = Math.Max(1, Math.Min(Environment.ProcessorCount, rowCount / 64));
        var accs = new Accumulator[t];
        for (int i = 0; i < t; i++) accs[i] = new Accumulator(output is null ? [] : new float[d * kp], new double[kp]);
        if (t == 1) work(0, rowCount, accs[0]);
        else Parallel.For(0, t, new ParallelOptions { MaxDegreeOfParallelism = t },
            i => work((int)((long)rowCount * i / t), (int)((long)rowCount * (i + 1) / t), accs[i]));
        if (output is not { } o) return;
        var sum = accs[0].Gt;
        for (int i = 1; i < t; i++) System.Numerics.Tensors.TensorPrimitives.Add(sum, accs[i].Gt, sum);
        for (int c = 0; c < o.K; c++)
        {
            for (int j = 0; j < d; j++) o.G[c * d + j] = sum[j * kp + c];
            o.Gb[c] = 0;
            for (int i = 0; i < t; i++) o.Gb[c] += accs[i].Gb[c];
        }
    }

    /// <summary>Indices and values of the non-zeros of a row; returns their count.</summary>
    static int NonZeros(ReadOnlySpan<float> row, int[] idx, float[] val)
    {
        int m = 0, j = 0, n = row.Length;
        for (; j + 16 <= n; j += 16)
        {
            ulong mask = (~Vector512.Equals(Vector512.Create(row.Slice(j, 16)), Vector512<float>.Zero)).ExtractMostSignificantBits();
            while (mask != 0)
            {
                int b = BitOperations.TrailingZeroCount(mask);
                idx[m] = j + b; val[m++] = row[j + b];
                mask &= mask - 1;
            }
        }
        for (; j < n; j++) if (row[j] != 0) { idx[m] = j; val[m++] = row[j]; }
        return m;
    }

    /// <summary>z = Σ_t val_t·Vt[idx_t] (K' wide), two accumulator chains per 16-class chunk.</summary>
    static void RowForward(int[] idx, float[] val, int m, float[] vt, int kp, float[] z)
    {
        ref float pv = ref MemoryMarshal.GetArrayDataReference(vt);
        for (int ch = 0; ch < kp; ch += 16)
        {
            Vector512<float> a0 = default, a1 = default;
            int t = 0;
            for (; t + 2 <= m; t += 2)
            {
                a0 = Vector512.FusedMultiplyAdd(Vector512.Create(val[t]), Vector512.LoadUnsafe(ref pv, (nuint)(idx[t] * kp + ch)), a0);
                a1 = Vector512.FusedMultiplyAdd(Vector512.Create(val[t + 1]), Vector512.LoadUnsafe(ref pv, (nuint)(idx[t + 1] * kp + ch)), a1);
            }
            if (t < m) a0 = Vector512.FusedMultiplyAdd(Vector512.Create(val[t]), Vector512.LoadUnsafe(ref pv, (nuint)(idx[t] * kp + ch)), a0);
            (a0 + a1).CopyTo(z.AsSpan(ch, 16));
        }
    }

    /// <summary>Gt[idx_t] += val_t·u (or val_t²·u) for every non-zero; 16-class chunks with u = 0 are skipped.</summary>
    static void RowBackward(int[] idx, float[] val, int m, float[] u, int kp, float[] gt, bool squared)
    {
        ref float pg = ref MemoryMarshal.GetArrayDataReference(gt);
        for (int ch = 0; ch < kp; ch += 16)
        {
            var uc = Vector512.Create(u.AsSpan(ch, 16));
            if (uc == Vector512<float>.Zero) continue;
            for (int t = 0; t < m; t++)
            {
                float a = squared ? val[t] * val[t] : val[t];
                ref float gj = ref Unsafe.Add(ref pg, idx[t] * kp + ch);
                Vector512.FusedMultiplyAdd(Vector512.Create(a), uc, Vector512.LoadUnsafe(ref gj)).StoreUnsafe(ref gj);
            }
        }
    }
}
