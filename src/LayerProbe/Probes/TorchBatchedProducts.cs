using System.Buffers;
using TorchSharp;
using static TorchSharp.torch;

namespace LayerProbe.Probes;

/// <summary>
/// The products of <see cref="BatchedProducts"/> computed with libtorch's sgemm (MKL): the listed rows are gathered a
/// block at a time into one pooled float buffer that libtorch sees without a copy (<c>torch.from_array</c> shares
/// the pinned array), then Z_b = X_b·Vᵀ and G += U_bᵀ·X_b run as two matrix products per block. V and G are likewise
/// the caller's arrays viewed as K×D tensors, so nothing of size N×D is ever allocated: memory is one block
/// (<see cref="BlockRows"/> rows) plus N×K-sized results. The element-wise parts (bias feature, coefficients, the
/// bias gradient in double) are done in C# exactly as in the managed kernels, so both paths compute the same maths
/// up to float summation order.
/// </summary>
internal static class TorchBatchedProducts
{
    /// <summary>Target size of one gathered block of rows: small enough to stay in the last-level cache between its two products.</summary>
    const long BlockBytes = 8L << 20;
    const int MinBlockRows = 128, MaxBlockRows = 2048;

    /// <summary>Multiply-adds of one product (rows × dimensions × classes) from which <see cref="BatchedProducts"/> uses libtorch.</summary>
    public const long MinWork = 1L << 24;

    static readonly Lazy<bool> LibtorchLoads = new(() =>
    {
        try { using var t = zeros(1); return true; }
        catch (Exception e) when (e is DllNotFoundException or NotSupportedException or TypeInitializationException or InvalidOperationException) { return false; }
    });

    /// <summary>Whether libtorch could be loaded in this process (checked once).</summary>
    public static bool Available => LibtorchLoads.Value;

    /// <summary>True when a pass of <paramref name="rowCount"/> rows is big enough for libtorch to pay off and libtorch loads.</summary>
    public static bool Worth(int rowCount, int d, int k) => (long)rowCount * d * k >= MinWork && Available;

    /// <summary>Rows per gathered block for <paramref name="d"/> dimensions (about <see cref="BlockBytes"/> bytes, 128–2048 rows).</summary>
    public static int BlockRows(int d) => (int)Math.Clamp(BlockBytes / (4L * d), MinBlockRows, MaxBlockRows);

    /// <summary>Z[i·K + k] = x_i·V_k + B·vb_k for every listed row i (as <see cref="BatchedProducts.Forward"/>).</summary>
    public static void Forward(IFeatureRows x, int[] rows, int rowCount, float[] v, double[] vb, double bias, int k, double[] z,
        int blockRows = 0)
    {
        int d = x.Dimensions;
        using var b = new Buffers(blockRows > 0 ? blockRows : BlockRows(d), d, k);
        using var scope = NewDisposeScope();
        var vt = ClassMatrix(v, k, d).t();
        for (int r = 0; r < rowCount; r += b.Rows)
        {
            int n = Math.Min(b.Rows, rowCount - r);
            b.Gather(x, rows, r, n);
            using (NewDisposeScope()) b.Z(n).addmm_(b.X(n), vt, beta: 0, alpha: 1);
            for (int q = 0; q < n; q++)
                for (int c = 0; c < k; c++) z[rows[r + q] * k + c] = b.ZValues[q * k + c] + bias * vb[c];
        }
    }

    /// <summary>G = Xᵀ·(coef ⊙ (X·Vᵀ + B·vb)), gb = B·Σ coef ⊙ (…) over the listed rows (as <see cref="BatchedProducts.ForwardBackward"/>).</summary>
    public static void ForwardBackward(IFeatureRows x, int[] rows, int rowCount, float[] v, double[] vb, double bias, int k,
        float[] coef, float[] g, double[] gb, double[]? z = null, int blockRows = 0)
    {
        int d = x.Dimensions;
        using var b = new Buffers(blockRows > 0 ? blockRows : BlockRows(d), d, k);
        using var scope = NewDisposeScope();
        var vt = ClassMatrix(v, k, d).t();
        var gt = ClassMatrix(g, k, d).zero_();
        Array.Clear(gb, 0, k);
        for (int r = 0; r < rowCount; r += b.Rows)
        {
            int n = Math.Min(b.Rows, rowCount - r);
            b.Gather(x, rows, r, n);
            using var block = NewDisposeScope();
            var xb = b.X(n);
            b.Z(n).addmm_(xb, vt, beta: 0, alpha: 1);
            for (int q = 0; q < n; q++)
            {
                int item = rows[r + q];
                for (int c = 0; c < k; c++)
                {
                    double zc = b.ZValues[q * k + c] + bias * vb[c];
                    if (z is not null) z[item * k + c] = zc;
                    float u = coef[item * k + c] * (float)zc;
                    b.UValues[q * k + c] = u;
                    gb[c] += bias * u;
                }
            }
            gt.addmm_(b.U(n).t(), xb);
        }
    }

    /// <summary>G = Xᵀ·U, gb = B·Σ U over the listed rows (as <see cref="BatchedProducts.Backward"/>).</summary>
    public static void Backward(IFeatureRows x, int[] rows, int rowCount, double[] u, double bias, int k, float[] g, double[] gb,
        int blockRows = 0) =>
        Accumulate(x, rows, rowCount, k, g, gb, squared: false, blockRows, (item, c) =>
        {
            double val = u[item * k + c];
            return ((float)val, bias * val);
        });

    /// <summary>G_c = Σ coef_ic·(x_i ⊙ x_i), gb_c = B²·Σ coef_ic over the listed rows (as <see cref="BatchedProducts.SquaredBackward"/>).</summary>
    public static void SquaredBackward(IFeatureRows x, int[] rows, int rowCount, float[] coef, double bias, int k, float[] g, double[] gb,
        int blockRows = 0) =>
        Accumulate(x, rows, rowCount, k, g, gb, squared: true, blockRows, (item, c) =>
        {
            float val = coef[item * k + c];
            return (val, bias * bias * val);
        });

    /// <summary>Per (item, class): the weight of the row in G and its contribution to gb.</summary>
    delegate (float U, double Gb) Weight(int item, int c);

    static void Accumulate(IFeatureRows x, int[] rows, int rowCount, int k, float[] g, double[] gb, bool squared, int blockRows, Weight weight)
    {
        int d = x.Dimensions;
        using var b = new Buffers(blockRows > 0 ? blockRows : BlockRows(d), d, k);
        using var scope = NewDisposeScope();
        var gt = ClassMatrix(g, k, d).zero_();
        Array.Clear(gb, 0, k);
        for (int r = 0; r < rowCount; r += b.Rows)
        {
            int n = Math.Min(b.Rows, rowCount - r);
            b.Gather(x, rows, r, n);
            if (squared)
            {
                var xs = b.XValues.AsSpan(0, n * d);
                System.Numerics.Tensors.TensorPrimitives.Multiply(xs, xs, xs);
            }
            for (int q = 0; q < n; q++)
            {
                int item = rows[r + q];
                for (int c = 0; c < k; c++)
                {
                    var (u, gbc) = weight(item, c);
                    b.UValues[q * k + c] = u;
                    gb[c] += gbc;
                }
            }
            using var block = NewDisposeScope();
            gt.addmm_(b.U(n).t(), b.X(n));
        }
    }

    /// <summary>The first K·D values of a class-major array as a K×D tensor sharing its memory.</summary>
    static Tensor ClassMatrix(float[] a, int k, int d) => from_array(a).narrow(0, 0, (long)k * d).view(k, d);

    /// <summary>
    /// Pooled per-call buffers shared with libtorch: a block of gathered rows (rows × D), its forward result Z and its
    /// weights U (rows × K each). Disposing releases the tensors (and with them the pins) before the arrays go back to the pool.
    /// </summary>
    sealed class Buffers : IDisposable
    {
        readonly int _d, _k;
        readonly Tensor _x, _z, _u;

        public Buffers(int rows, int d, int k)
        {
            (Rows, _d, _k) = (rows, d, k);
            XValues = ArrayPool<float>.Shared.Rent(rows * d);
            ZValues = ArrayPool<float>.Shared.Rent(rows * k);
            UValues = ArrayPool<float>.Shared.Rent(rows * k);
            _x = from_array(XValues); _z = from_array(ZValues); _u = from_array(UValues);
        }

        /// <summary>Rows per block.</summary>
        public int Rows { get; }
        /// <summary>Gathered rows, row-major (the first n·D values are valid after <see cref="Gather"/>).</summary>
        public float[] XValues { get; }
        /// <summary>Z of the block, row-major n×K.</summary>
        public float[] ZValues { get; }
        /// <summary>U of the block, row-major n×K.</summary>
        public float[] UValues { get; }

        /// <summary>
        /// Copies listed rows r … r+n−1 into <see cref="XValues"/>, one row span at a time; large blocks are split
        /// between the cores (the copy is memory-bound and otherwise costs about as much as the two products).
        /// </summary>
        public void Gather(IFeatureRows x, int[] rows, int r, int n)
        {
            int parts = (long)n * _d >= 1 << 18 ? Math.Min(Environment.ProcessorCount, n) : 1;
            if (parts == 1) { Copy(0, n); return; }
            Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = parts }, p => Copy(n * p / parts, n * (p + 1) / parts));

            void Copy(int from, int to)
            {
                for (int q = from; q < to; q++) x.Row(rows[r + q]).CopyTo(XValues.AsSpan(q * _d, _d));
            }
        }

        /// <summary>The first n gathered rows as an n×D tensor (a view; dispose with the caller's scope).</summary>
        public Tensor X(int n) => _x.narrow(0, 0, (long)n * _d).view(n, _d);
        /// <summary>The n×K view of <see cref="ZValues"/>.</summary>
        public Tensor Z(int n) => _z.narrow(0, 0, (long)n * _k).view(n, _k);
        /// <summary>The n×K view of <see cref="UValues"/>.</summary>
        public Tensor U(int n) => _u.narrow(0, 0, (long)n * _k).view(n, _k);

        public void Dispose()
        {
            _x.Dispose(); _z.Dispose(); _u.Dispose();
            ArrayPool<float>.Shared.Return(XValues);
            ArrayPool<float>.Shared.Return(ZValues);
            ArrayPool<float>.Shared.Return(UValues);
        }
    }
}
