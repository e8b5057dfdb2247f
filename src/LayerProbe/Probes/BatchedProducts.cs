using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace LayerProbe.Probes;

/// <summary>
/// The two products behind <see cref="BatchedNewtonSvm"/>, for all K classes in one pass over the rows:
/// forward Z = X·Vᵀ (N×K, V class-major K×D) and backward G = Xᵀ·U (K×D). Register-blocked Vector512 kernels over
/// blocks of 4 rows × 4 classes (forward) and packed 16-row panels (backward); rows are split into contiguous ranges, one per thread, each with its own G.
/// Rows are read through <see cref="IFeatureRows"/> (never copied); the bias feature B is handled separately.
/// Passes of at least <see cref="TorchBatchedProducts.MinWork"/> multiply-adds go to <see cref="TorchBatchedProducts"/>
/// (libtorch sgemm on gathered blocks of rows, several times faster at CNN feature sizes) when <see cref="AllowTorch"/> is set.
/// </summary>
internal static class BatchedProducts
{
    const int R = 4;

    /// <summary>Lets large passes use libtorch (default); false keeps every pass on the managed kernels (benchmarks, comparisons).</summary>
    public static bool AllowTorch { get; set; } = true;

    [ThreadStatic] static bool? _forced;

    /// <summary>
    /// Until disposed, products called on this thread use libtorch (<paramref name="torch"/> true) or the managed
    /// kernels (false) whatever the size and <see cref="AllowTorch"/> (for comparisons in tests and benchmarks).
    /// </summary>
    public static IDisposable Force(bool torch)
    {
        var previous = _forced;
        _forced = torch;
        return new Restore(() => _forced = previous);
    }

    sealed class Restore(Action undo) : IDisposable
    {
        public void Dispose() => undo();
    }

    static bool Torch(int rowCount, int d, int k) =>
        _forced ?? (AllowTorch && TorchBatchedProducts.Worth(rowCount, d, k));

    /// <summary>
    /// Z[i·K + k] = x_i·V_k + B·vb_k for every listed row i (Z indexed by item, like the other products).
    /// <paramref name="allowTorch"/> false keeps the pass on the managed kernels unless <see cref="Force"/> says otherwise
    /// (test-time detection scoring: a forward pass alone reads each row once for a few classes, where gathering rows
    /// for sgemm does not pay and libtorch's OpenMP threads lose most of their time on a loaded machine).
    /// </summary>
    public static void Forward(IFeatureRows x, int[] rows, int rowCount, float[] v, double[] vb, double bias, int k, double[] z,
        bool allowTorch = true)
    {
        int d = x.Dimensions;
        if (_forced ?? (allowTorch && Torch(rowCount, d, k))) { TorchBatchedProducts.Forward(x, rows, rowCount, v, vb, bias, k, z); return; }
        ForRanges(rowCount, (start, end) =>
        {
            Span<float> zb = stackalloc float[R * k];
            for (int r = start; r < end; r += R)
            {
                int n = Math.Min(R, end - r);
                Forward4(Rows(x, rows, r, n, 0), Rows(x, rows, r, n, 1), Rows(x, rows, r, n, 2), Rows(x, rows, r, n, 3), v, d, k, zb);
                for (int q = 0; q < n; q++)
                    for (int c = 0; c < k; c++) z[rows[r + q] * k + c] = zb[q * k + c] + bias * vb[c];
            }
        });
    }

    /// <summary>
    /// Hessian-style product for all classes: G = Xᵀ·(coef ⊙ (X·Vᵀ + B·vb)), gb = B·Σ coef ⊙ (…), over the listed rows,
    /// in one pass (each block of rows is used for both products while it is in cache).
    /// <paramref name="coef"/> is indexed by item (row id) × K; when <paramref name="z"/> is given it receives the
    /// forward values X·Vᵀ + B·vb of the listed rows (item × K), as <see cref="Forward"/> would.
    /// </summary>
    public static void ForwardBackward(IFeatureRows x, int[] rows, int rowCount, float[] v, double[] vb, double bias, int k,
        float[] coef, float[] g, double[] gb, double[]? z = null)
    {
        int d = x.Dimensions;
        if (Torch(rowCount, d, k)) { TorchBatchedProducts.ForwardBackward(x, rows, rowCount, v, vb, bias, k, coef, g, gb, z); return; }
        Accumulate(rowCount, k, d, g, gb, (start, end, gLocal, gbLocal) =>
        {
            var panel = new float[Block * d];
            var ub = new float[Block * k];
            Span<float> zb = stackalloc float[R * k];
            for (int r = start; r < end; r += Block)
            {
                int n = Math.Min(Block, end - r);
                for (int q0 = 0; q0 < n; q0 += R)
                {
                    int m = Math.Min(R, n - q0);
                    Forward4(Rows(x, rows, r + q0, m, 0), Rows(x, rows, r + q0, m, 1), Rows(x, rows, r + q0, m, 2), Rows(x, rows, r + q0, m, 3), v, d, k, zb);
                    for (int q = 0; q < m; q++)
                    {
                        int item = rows[r + q0 + q];
                        for (int c = 0; c < k; c++)
                        {
                            double zc = zb[q * k + c] + bias * vb[c];
                            if (z is not null) z[item * k + c] = zc;
                            float u = coef[item * k + c] * (float)zc;
                            ub[(q0 + q) * k + c] = u;
                            gbLocal[c] += bias * u;
                        }
                    }
                }
                Array.Clear(ub, n * k, (Block - n) * k);
                Pack(x, rows, r, n, d, panel);
                Backward16(panel, ub, d, k, gLocal);
            }
        });
    }

    /// <summary>G = Xᵀ·U, gb = B·Σ U over the listed rows; <paramref name="u"/> is indexed by item (row id) × K.</summary>
    public static void Backward(IFeatureRows x, int[] rows, int rowCount, double[] u, double bias, int k, float[] g, double[] gb)
    {
        int d = x.Dimensions;
        if (Torch(rowCount, d, k)) { TorchBatchedProducts.Backward(x, rows, rowCount, u, bias, k, g, gb); return; }
        WeightedBackward(x, rows, rowCount, k, g, gb, (item, c) => u[item * k + c], bias, squared: false);
    }

    /// <summary>
    /// Diagonal of Xᵀ·diag(coef_c)·X for every class c: G_c = Σ_i coef_ic·(x_i ⊙ x_i), gb_c = B²·Σ_i coef_ic
    /// (the Hessian diagonal used as a preconditioner); <paramref name="coef"/> is indexed by item × K.
    /// </summary>
    public static void SquaredBackward(IFeatureRows x, int[] rows, int rowCount, float[] coef, double bias, int k, float[] g, double[] gb)
    {
        int d = x.Dimensions;
        if (Torch(rowCount, d, k)) { TorchBatchedProducts.SquaredBackward(x, rows, rowCount, coef, bias, k, g, gb); return; }
        WeightedBackward(x, rows, rowCount, k, g, gb, (item, c) => coef[item * k + c], bias * bias, squared: true);
    }

    /// <summary>
    /// G_c = Σ_i w(i, c)·x_i (or x_i ⊙ x_i when <paramref name="squared"/>), gb_c = <paramref name="biasScale"/>·Σ_i w(i, c),
    /// over the listed rows, in blocks of 16 packed rows.
    /// </summary>
    static void WeightedBackward(IFeatureRows x, int[] rows, int rowCount, int k, float[] g, double[] gb,
        Func<int, int, double> weight, double biasScale, bool squared)
    {
        int d = x.Dimensions;
        Accumulate(rowCount, k, d, g, gb, (start, end, gLocal, gbLocal) =>
        {
            var panel = new float[Block * d];
            var ub = new float[Block * k];
            for (int r = start; r < end; r += Block)
            {
                int n = Math.Min(Block, end - r);
                for (int q = 0; q < Block; q++)
                    for (int c = 0; c < k; c++)
                    {
                        double val = q < n ? weight(rows[r + q], c) : 0;
                        ub[q * k + c] = (float)val;
                        gbLocal[c] += biasScale * val;
                    }
                Pack(x, rows, r, n, d, panel);
                if (squared) System.Numerics.Tensors.TensorPrimitives.Multiply(panel, panel, panel);
                Backward16(panel, ub, d, k, gLocal);
            }
        });
    }

    /// <summary>Rows per backward block and columns per panel tile.</summary>
    const int Block = 16, Tile = 64;

    /// <summary>
    /// Copies a block of up to 16 rows into tile-major panels: tile t holds columns [64t, 64t+64) of all 16 rows
    /// contiguously (4 KB), so the backward kernel streams it without the cache-set conflicts of rows a power-of-two
    /// apart; missing rows are zero. Columns past the last full tile follow, row by row.
    /// </summary>
    static void Pack(IFeatureRows x, int[] rows, int r, int n, int d, float[] panel)
    {
        int tiles = d / Tile, rem = d - tiles * Tile;
        for (int q = 0; q < Block; q++)
        {
            if (q >= n)
            {
                for (int t = 0; t < tiles; t++) Array.Clear(panel, (t * Block + q) * Tile, Tile);
                Array.Clear(panel, tiles * Block * Tile + q * rem, rem);
                continue;
            }
            var row = x.Row(rows[r + q]);
            for (int t = 0; t < tiles; t++) row.Slice(t * Tile, Tile).CopyTo(panel.AsSpan((t * Block + q) * Tile, Tile));
            row[(tiles * Tile)..].CopyTo(panel.AsSpan(tiles * Block * Tile + q * rem, rem));
        }
    }

    static ReadOnlySpan<float> Rows(IFeatureRows x, int[] rows, int r, int n, int q) => x.Row(rows[r + Math.Min(q, n - 1)]);

    delegate void RangeWork(int start, int end);
    delegate void AccumulateWork(int start, int end, float[] g, double[] gb);

    static int Threads(int rowCount) => Math.Max(1, Math.Min(Environment.ProcessorCount, rowCount / (8 * R)));

    static void ForRanges(int rowCount, RangeWork work)
    {
        int t = Threads(rowCount);
        if (t == 1) { work(0, rowCount); return; }
        Parallel.For(0, t, new ParallelOptions { MaxDegreeOfParallelism = t }, i => work(Split(rowCount, t, i), Split(rowCount, t, i + 1)));
    }

    // Block boundaries are multiples of the block size so every range but the last is made of full blocks.
    static int Split(int rowCount, int t, int i) => i == t ? rowCount : (int)((long)rowCount * i / t / Block * Block);

    static void Accumulate(int rowCount, int k, int d, float[] g, double[] gb, AccumulateWork work)
    {
        Array.Clear(g, 0, k * d);
        Array.Clear(gb, 0, k);
        int t = Threads(rowCount);
        if (t == 1) { work(0, rowCount, g, gb); return; }
        var gs = new float[t][];
        var gbs = new double[t][];
        gs[0] = g; gbs[0] = gb;
        for (int i = 1; i < t; i++) { gs[i] = new float[k * d]; gbs[i] = new double[k]; }
        Parallel.For(0, t, new ParallelOptions { MaxDegreeOfParallelism = t },
            i => work(Split(rowCount, t, i), Split(rowCount, t, i + 1), gs[i], gbs[i]));
        for (int i = 1; i < t; i++)
        {
            var src = gs[i].AsSpan(0, k * d);
            var dst = g.AsSpan(0, k * d);
            int j = 0;
            for (; j + 16 <= src.Length; j += 16)
                (Vector512.Create(dst.Slice(j, 16)) + Vector512.Create(src.Slice(j, 16))).CopyTo(dst.Slice(j, 16));
            for (; j < src.Length; j++) dst[j] += src[j];
            for (int c = 0; c < k; c++) gb[c] += gbs[i][c];
        }
    }

    /// <summary>z[q·K + c] = x_q·V_c for 4 rows and all classes (4 classes at a time: 16 vector accumulators).</summary>
    static void Forward4(ReadOnlySpan<float> x0, ReadOnlySpan<float> x1, ReadOnlySpan<float> x2, ReadOnlySpan<float> x3,
        float[] v, int d, int k, Span<float> z)
    {
        ref float p0 = ref MemoryMarshal.GetReference(x0); ref float p1 = ref MemoryMarshal.GetReference(x1);
        ref float p2 = ref MemoryMarshal.GetReference(x2); ref float p3 = ref MemoryMarshal.GetReference(x3);
        ref float pv = ref MemoryMarshal.GetArrayDataReference(v);
        int dv = d / 16 * 16;
        int c = 0;
        for (; c + 4 <= k; c += 4)
        {
            ref float v0 = ref Unsafe.Add(ref pv, c * d); ref float v1 = ref Unsafe.Add(ref v0, d);
            ref float v2 = ref Unsafe.Add(ref v1, d); ref float v3 = ref Unsafe.Add(ref v2, d);
            Vector512<float> a00 = default, a01 = default, a02 = default, a03 = default, a10 = default, a11 = default, a12 = default, a13 = default,
                a20 = default, a21 = default, a22 = default, a23 = default, a30 = default, a31 = default, a32 = default, a33 = default;
            for (nuint j = 0; j < (nuint)dv; j += 16)
            {
                var r0 = Vector512.LoadUnsafe(ref p0, j); var r1 = Vector512.LoadUnsafe(ref p1, j);
                var r2 = Vector512.LoadUnsafe(ref p2, j); var r3 = Vector512.LoadUnsafe(ref p3, j);
                var b = Vector512.LoadUnsafe(ref v0, j);
                a00 = Vector512.FusedMultiplyAdd(r0, b, a00); a10 = Vector512.FusedMultiplyAdd(r1, b, a10);
                a20 = Vector512.FusedMultiplyAdd(r2, b, a20); a30 = Vector512.FusedMultiplyAdd(r3, b, a30);
                b = Vector512.LoadUnsafe(ref v1, j);
                a01 = Vector512.FusedMultiplyAdd(r0, b, a01); a11 = Vector512.FusedMultiplyAdd(r1, b, a11);
                a21 = Vector512.FusedMultiplyAdd(r2, b, a21); a31 = Vector512.FusedMultiplyAdd(r3, b, a31);
                b = Vector512.LoadUnsafe(ref v2, j);
                a02 = Vector512.FusedMultiplyAdd(r0, b, a02); a12 = Vector512.FusedMultiplyAdd(r1, b, a12);
                a22 = Vector512.FusedMultiplyAdd(r2, b, a22); a32 = Vector512.FusedMultiplyAdd(r3, b, a32);
                b = Vector512.LoadUnsafe(ref v3, j);
                a03 = Vector512.FusedMultiplyAdd(r0, b, a03); a13 = Vector512.FusedMultiplyAdd(r1, b, a13);
                a23 = Vector512.FusedMultiplyAdd(r2, b, a23); a33 = Vector512.FusedMultiplyAdd(r3, b, a33);
            }
            z[0 * k + c] = Vector512.Sum(a00); z[0 * k + c + 1] = Vector512.Sum(a01); z[0 * k + c + 2] = Vector512.Sum(a02); z[0 * k + c + 3] = Vector512.Sum(a03);
            z[1 * k + c] = Vector512.Sum(a10); z[1 * k + c + 1] = Vector512.Sum(a11); z[1 * k + c + 2] = Vector512.Sum(a12); z[1 * k + c + 3] = Vector512.Sum(a13);
            z[2 * k + c] = Vector512.Sum(a20); z[2 * k + c + 1] = Vector512.Sum(a21); z[2 * k + c + 2] = Vector512.Sum(a22); z[2 * k + c + 3] = Vector512.Sum(a23);
            z[3 * k + c] = Vector512.Sum(a30); z[3 * k + c + 1] = Vector512.Sum(a31); z[3 * k + c + 2] = Vector512.Sum(a32); z[3 * k + c + 3] = Vector512.Sum(a33);
        }
        for (; c < k; c++)
        {
            ref float v0 = ref Unsafe.Add(ref pv, c * d);
            Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;
            for (nuint j = 0; j < (nuint)dv; j += 16)
            {
                var b = Vector512.LoadUnsafe(ref v0, j);
                a0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref p0, j), b, a0);
                a1 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref p1, j), b, a1);
                a2 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref p2, j), b, a2);
                a3 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref p3, j), b, a3);
            }
            z[c] = Vector512.Sum(a0); z[k + c] = Vector512.Sum(a1); z[2 * k + c] = Vector512.Sum(a2); z[3 * k + c] = Vector512.Sum(a3);
        }
        for (int j = dv; j < d; j++)
            for (c = 0; c < k; c++)
            {
                float vj = v[c * d + j];
                z[c] += x0[j] * vj; z[k + c] += x1[j] * vj; z[2 * k + c] += x2[j] * vj; z[3 * k + c] += x3[j] * vj;
            }
    }

    /// <summary>
    /// G_c += Σ_q u[q·K + c]·x_q for a packed block of 16 rows and all classes: per 64-column tile, 4 classes × 4
    /// vectors of G stay in registers while the 16 rows stream past (8 loads per 16 FMAs).
    /// </summary>
    static void Backward16(float[] panel, float[] u, int d, int k, float[] g)
    {
        int tiles = d / Tile, rem = d - tiles * Tile;
        ref float pp = ref MemoryMarshal.GetArrayDataReference(panel);
        ref float pu = ref MemoryMarshal.GetArrayDataReference(u);
        ref float pg = ref MemoryMarshal.GetArrayDataReference(g);
        for (int t = 0; t < tiles; t++)
        {
            ref float pt = ref Unsafe.Add(ref pp, t * Block * Tile);
            int c = 0;
            for (; c + 4 <= k; c += 4)
            {
                ref float g0 = ref Unsafe.Add(ref pg, c * d + t * Tile); ref float g1 = ref Unsafe.Add(ref g0, d);
                ref float g2 = ref Unsafe.Add(ref g1, d); ref float g3 = ref Unsafe.Add(ref g2, d);
                var a00 = Vector512.LoadUnsafe(ref g0, 0); var a01 = Vector512.LoadUnsafe(ref g0, 16); var a02 = Vector512.LoadUnsafe(ref g0, 32); var a03 = Vector512.LoadUnsafe(ref g0, 48);
                var a10 = Vector512.LoadUnsafe(ref g1, 0); var a11 = Vector512.LoadUnsafe(ref g1, 16); var a12 = Vector512.LoadUnsafe(ref g1, 32); var a13 = Vector512.LoadUnsafe(ref g1, 48);
                var a20 = Vector512.LoadUnsafe(ref g2, 0); var a21 = Vector512.LoadUnsafe(ref g2, 16); var a22 = Vector512.LoadUnsafe(ref g2, 32); var a23 = Vector512.LoadUnsafe(ref g2, 48);
                var a30 = Vector512.LoadUnsafe(ref g3, 0); var a31 = Vector512.LoadUnsafe(ref g3, 16); var a32 = Vector512.LoadUnsafe(ref g3, 32); var a33 = Vector512.LoadUnsafe(ref g3, 48);
                for (int q = 0; q < Block; q++)
                {
                    ref float xq = ref Unsafe.Add(ref pt, q * Tile);
                    var x0 = Vector512.LoadUnsafe(ref xq, 0); var x1 = Vector512.LoadUnsafe(ref xq, 16);
                    var x2 = Vector512.LoadUnsafe(ref xq, 32); var x3 = Vector512.LoadUnsafe(ref xq, 48);
                    ref float uq = ref Unsafe.Add(ref pu, q * k + c);
                    var u0 = Vector512.Create(uq);
                    a00 = Vector512.FusedMultiplyAdd(x0, u0, a00); a01 = Vector512.FusedMultiplyAdd(x1, u0, a01);
                    a02 = Vector512.FusedMultiplyAdd(x2, u0, a02); a03 = Vector512.FusedMultiplyAdd(x3, u0, a03);
                    var u1 = Vector512.Create(Unsafe.Add(ref uq, 1));
                    a10 = Vector512.FusedMultiplyAdd(x0, u1, a10); a11 = Vector512.FusedMultiplyAdd(x1, u1, a11);
                    a12 = Vector512.FusedMultiplyAdd(x2, u1, a12); a13 = Vector512.FusedMultiplyAdd(x3, u1, a13);
                    var u2 = Vector512.Create(Unsafe.Add(ref uq, 2));
                    a20 = Vector512.FusedMultiplyAdd(x0, u2, a20); a21 = Vector512.FusedMultiplyAdd(x1, u2, a21);
                    a22 = Vector512.FusedMultiplyAdd(x2, u2, a22); a23 = Vector512.FusedMultiplyAdd(x3, u2, a23);
                    var u3 = Vector512.Create(Unsafe.Add(ref uq, 3));
                    a30 = Vector512.FusedMultiplyAdd(x0, u3, a30); a31 = Vector512.FusedMultiplyAdd(x1, u3, a31);
                    a32 = Vector512.FusedMultiplyAdd(x2, u3, a32); a33 = Vector512.FusedMultiplyAdd(x3, u3, a33);
                }
                a00.StoreUnsafe(ref g0, 0); a01.StoreUnsafe(ref g0, 16); a02.StoreUnsafe(ref g0, 32); a03.StoreUnsafe(ref g0, 48);
                a10.StoreUnsafe(ref g1, 0); a11.StoreUnsafe(ref g1, 16); a12.StoreUnsafe(ref g1, 32); a13.StoreUnsafe(ref g1, 48);
                a20.StoreUnsafe(ref g2, 0); a21.StoreUnsafe(ref g2, 16); a22.StoreUnsafe(ref g2, 32); a23.StoreUnsafe(ref g2, 48);
                a30.StoreUnsafe(ref g3, 0); a31.StoreUnsafe(ref g3, 16); a32.StoreUnsafe(ref g3, 32); a33.StoreUnsafe(ref g3, 48);
            }
            for (; c < k; c++)
            {
                ref float g0 = ref Unsafe.Add(ref pg, c * d + t * Tile);
                var a0 = Vector512.LoadUnsafe(ref g0, 0); var a1 = Vector512.LoadUnsafe(ref g0, 16);
                var a2 = Vector512.LoadUnsafe(ref g0, 32); var a3 = Vector512.LoadUnsafe(ref g0, 48);
                for (int q = 0; q < Block; q++)
                {
                    ref float xq = ref Unsafe.Add(ref pt, q * Tile);
                    var uq = Vector512.Create(Unsafe.Add(ref pu, q * k + c));
                    a0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref xq, 0), uq, a0);
                    a1 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref xq, 16), uq, a1);
                    a2 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref xq, 32), uq, a2);
                    a3 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref xq, 48), uq, a3);
                }
                a0.StoreUnsafe(ref g0, 0); a1.StoreUnsafe(ref g0, 16); a2.StoreUnsafe(ref g0, 32); a3.StoreUnsafe(ref g0, 48);
            }
        }
        int tail = tiles * Block * Tile;
        for (int q = 0; q < Block; q++)
            for (int c = 0; c < k; c++)
            {
                float uqc = u[q * k + c];
                if (uqc == 0) continue;
                for (int j = 0; j < rem; j++) g[c * d + tiles * Tile + j] += uqc * panel[tail + q * rem + j];
            }
    }
}
