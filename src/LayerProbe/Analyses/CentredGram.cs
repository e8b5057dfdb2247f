using System.Numerics.Tensors;
using LayerProbe.Probes;

namespace LayerProbe.Analyses;

/// <summary>
/// The centred Gram matrix K = X̃X̃ᵀ of one layer's features (X̃ = X minus its column means, so K = HKH with
/// H = I − 11ᵀ/N), N×N floats, with its Frobenius norm. Built in streaming passes over the rows: column means, then
/// tiles of at most <see cref="BlockRows"/> centred rows × <see cref="BlockColumns"/> columns copied into two scratch
/// tiles and multiplied tile by tile with libtorch's sgemm (≈ 30× a managed dot-product loop here), summed over the
/// column tiles — the feature matrix itself is never copied, and memory stays a few tiles however wide the layer is.
/// </summary>
public sealed class CentredGram
{
    /// <summary>Rows per tile in the Gram product.</summary>
    public const int BlockRows = 1024;
    /// <summary>Columns per tile (a tile is 16 MiB of floats).</summary>
    public const int BlockColumns = 4096;
    readonly float[] _k;

    CentredGram(float[] k, int n, double norm) => (_k, Items, FrobeniusNorm) = (k, n, norm);

    /// <summary>N.</summary>
    public int Items { get; }
    /// <summary>‖K‖_F.</summary>
    public double FrobeniusNorm { get; }
    /// <summary>Row i of K.</summary>
    public ReadOnlySpan<float> Row(int i) => _k.AsSpan(i * Items, Items);

    /// <summary>Computes K for <paramref name="rows"/>.</summary>
    public static CentredGram Of(IFeatureRows rows, string name = "features")
    {
        int n = rows.Count, d = rows.Dimensions;
        if ((long)n * n > Array.MaxLength) throw new LayerProbeException($"{name}: {n} items make a {n}×{n} Gram matrix too large; subsample items");
        var mean = ColumnMeans(rows);
        var k = new float[(long)n * n];
        int blocks = (n + BlockRows - 1) / BlockRows;
        int width = Math.Min(d, BlockColumns);
        int height = Math.Min(n, BlockRows);
        var a = new float[(long)height * width];
        var b = blocks > 1 ? new float[(long)height * width] : a;
        for (int bi = 0; bi < blocks; bi++)
        {
            int i0 = bi * BlockRows, ni = Math.Min(BlockRows, n - i0);
            for (int bj = 0; bj <= bi; bj++)
            {
                int j0 = bj * BlockRows, nj = Math.Min(BlockRows, n - j0);
                using var scope = TorchSharp.torch.NewDisposeScope();
                var sum = TorchSharp.torch.zeros(ni, nj);
                for (int c0 = 0; c0 < d; c0 += width)
                {
                    int nc = Math.Min(width, d - c0);
                    using var tiles = TorchSharp.torch.NewDisposeScope(); // this column tile's tensors only
                    FillCentred(rows, mean, i0, ni, c0, nc, width, a);
                    var ta = TorchSharp.torch.tensor(a, [height, width]).narrow(0, 0, ni).narrow(1, 0, nc);
                    var tb = ta;
                    if (bj != bi)
                    {
                        FillCentred(rows, mean, j0, nj, c0, nc, width, b);
                        tb = TorchSharp.torch.tensor(b, [height, width]).narrow(0, 0, nj).narrow(1, 0, nc);
                    }
                    sum.addmm_(ta, tb.t());
                }
                var product = sum.contiguous().data<float>().ToArray(); // ni × nj
                for (int r = 0; r < ni; r++)
                    for (int s = 0; s < nj; s++)
                    {
                        float v = product[r * nj + s];
                        k[(long)(i0 + r) * n + j0 + s] = v;
                        k[(long)(j0 + s) * n + i0 + r] = v;
                    }
            }
        }
        double sq = 0;
        for (int i = 0; i < n; i++) { var row = k.AsSpan(i * n, n); sq += TensorPrimitives.Dot(row, row); }
        return new CentredGram(k, n, Math.Sqrt(sq));
    }

    /// <summary>⟨K_a, K_b⟩_F = tr(K_a K_b) (double accumulation per row).</summary>
    public static double Inner(CentredGram a, CentredGram b)
    {
        if (a.Items != b.Items) throw new ArgumentException($"{a.Items} vs {b.Items} items");
        var partial = new double[a.Items];
        Parallel.For(0, a.Items, i => partial[i] = TensorPrimitives.Dot(a.Row(i), b.Row(i)));
        return partial.Sum();
    }

    static double[] ColumnMeans(IFeatureRows rows)
    {
        var sum = new double[rows.Dimensions];
        for (int i = 0; i < rows.Count; i++)
        {
            var r = rows.Row(i);
            for (int j = 0; j < sum.Length; j++) sum[j] += r[j];
        }
        for (int j = 0; j < sum.Length; j++) sum[j] /= rows.Count;
        return sum;
    }

    /// <summary>Copies columns [<paramref name="firstColumn"/>, +<paramref name="columns"/>) of rows
    /// [<paramref name="first"/>, +<paramref name="count"/>), centred, into <paramref name="into"/> (row-major, row
    /// stride <paramref name="stride"/>).</summary>
    static void FillCentred(IFeatureRows rows, double[] mean, int first, int count, int firstColumn, int columns, int stride, float[] into)
    {
        for (int r = 0; r < count; r++)
        {
            var src = rows.Row(first + r).Slice(firstColumn, columns);
            var dst = into.AsSpan(r * stride, columns);
            for (int j = 0; j < columns; j++) dst[j] = (float)(src[j] - mean[firstColumn + j]);
        }
    }
}
