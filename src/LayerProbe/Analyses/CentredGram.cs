using System.Numerics.Tensors;
using LayerProbe.Probes;

namespace LayerProbe.Analyses;

/// <summary>
/// The centred Gram matrix K = X̃X̃ᵀ of one layer's features (X̃ = X minus its column means, so K = HKH with
/// H = I − 11ᵀ/N), N×N floats, with its Frobenius norm. Built in two streaming passes over the rows: column means,
/// then blocks of <see cref="BlockRows"/> centred rows copied into two scratch blocks and multiplied block by block
/// with libtorch's sgemm (≈ 30× a managed dot-product loop here) — the feature matrix itself is never copied.
/// </summary>
public sealed class CentredGram
{
    /// <summary>Rows per block in the Gram product.</summary>
    public const int BlockRows = 1024;
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
        var a = new float[(long)BlockRows * d];
        var b = new float[(long)BlockRows * d];
        for (int bi = 0; bi < blocks; bi++)
        {
            int i0 = bi * BlockRows, ni = Math.Min(BlockRows, n - i0);
            FillCentred(rows, mean, i0, ni, a);
            for (int bj = 0; bj <= bi; bj++)
            {
                int j0 = bj * BlockRows, nj = Math.Min(BlockRows, n - j0);
                var other = bj == bi ? a : b;
                if (bj != bi) FillCentred(rows, mean, j0, nj, b);
                using var scope = TorchSharp.torch.NewDisposeScope();
                var ta = TorchSharp.torch.tensor(a, [BlockRows, d]).narrow(0, 0, ni);
                var tb = TorchSharp.torch.tensor(other, [BlockRows, d]).narrow(0, 0, nj);
                var product = ta.mm(tb.t()).contiguous().data<float>().ToArray(); // ni × nj
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

    static void FillCentred(IFeatureRows rows, double[] mean, int first, int count, float[] into)
    {
        int d = rows.Dimensions;
        for (int r = 0; r < count; r++)
        {
            var src = rows.Row(first + r);
            var dst = into.AsSpan(r * d, d);
            for (int j = 0; j < d; j++) dst[j] = (float)(src[j] - mean[j]);
        }
    }
}
