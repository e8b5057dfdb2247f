using LayerProbe.Analyses;
using LayerProbe.Probes;

namespace LayerProbe.Tests.Analyses;

public class LinearCkaTests
{
    static double Gauss(Random r) => Math.Sqrt(-2 * Math.Log(1 - r.NextDouble())) * Math.Cos(2 * Math.PI * r.NextDouble());

    static double[,] Random(int n, int d, int seed)
    {
        var rng = new Random(seed);
        var m = new double[n, d];
        for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) m[i, j] = Gauss(rng) + (j == 0 ? 5 : 0); // non-zero mean
        return m;
    }

    static DenseFeatureRows Rows(double[,] m)
    {
        int n = m.GetLength(0), d = m.GetLength(1);
        var data = new float[n * d];
        for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) data[i * d + j] = (float)m[i, j];
        return new DenseFeatureRows(data, n, d);
    }

    static double[,] Multiply(double[,] a, double[,] b)
    {
        int n = a.GetLength(0), k = a.GetLength(1), m = b.GetLength(1);
        var c = new double[n, m];
        for (int i = 0; i < n; i++) for (int j = 0; j < m; j++) { double s = 0; for (int t = 0; t < k; t++) s += a[i, t] * b[t, j]; c[i, j] = s; }
        return c;
    }

    // Random orthogonal Q by Gram–Schmidt of a Gaussian matrix.
    static double[,] Orthogonal(int d, int seed)
    {
        var q = Random(d, d, seed);
        for (int j = 0; j < d; j++) q[j, 0] -= 5;
        for (int j = 0; j < d; j++)
        {
            for (int p = 0; p < j; p++)
            {
                double dot = 0; for (int i = 0; i < d; i++) dot += q[i, j] * q[i, p];
                for (int i = 0; i < d; i++) q[i, j] -= dot * q[i, p];
            }
            double norm = 0; for (int i = 0; i < d; i++) norm += q[i, j] * q[i, j];
            for (int i = 0; i < d; i++) q[i, j] /= Math.Sqrt(norm);
        }
        return q;
    }

    // Independent reference: CKA = ‖ỸᵀX̃‖²_F / (‖X̃ᵀX̃‖_F ‖ỸᵀỸ‖_F) in feature space, double precision.
    static double Reference(double[,] x, double[,] y)
    {
        double[,] Centre(double[,] m)
        {
            int n = m.GetLength(0), d = m.GetLength(1);
            var c = (double[,])m.Clone();
            for (int j = 0; j < d; j++) { double mu = 0; for (int i = 0; i < n; i++) mu += m[i, j]; mu /= n; for (int i = 0; i < n; i++) c[i, j] -= mu; }
            return c;
        }
        double[,] T(double[,] m) { var t = new double[m.GetLength(1), m.GetLength(0)]; for (int i = 0; i < m.GetLength(0); i++) for (int j = 0; j < m.GetLength(1); j++) t[j, i] = m[i, j]; return t; }
        double F2(double[,] m) { double s = 0; foreach (var v in m) s += v * v; return s; }
        var (xc, yc) = (Centre(x), Centre(y));
        return F2(Multiply(T(yc), xc)) / Math.Sqrt(F2(Multiply(T(xc), xc)) * F2(Multiply(T(yc), yc)));
    }

    [Fact]
    public void Cka_of_a_representation_with_itself_is_one()
    {
        var x = Rows(Random(300, 20, 1));
        Assert.Equal(1.0, LinearCka.Between(x, x), 5);
    }

    [Fact]
    public void Cka_is_invariant_to_orthogonal_transforms_and_isotropic_scaling()
    {
        var x = Random(300, 12, 2);
        var y = Multiply(x, Orthogonal(12, 3));
        for (int i = 0; i < 300; i++) for (int j = 0; j < 12; j++) y[i, j] = 3.5 * y[i, j] + 7;
        Assert.Equal(1.0, LinearCka.Between(Rows(x), Rows(y)), 4);
    }

    [Fact]
    public void Cka_matches_the_feature_space_formula_and_is_small_for_independent_features()
    {
        var x = Random(400, 10, 4);
        var y = Random(400, 15, 5);
        double cka = LinearCka.Between(Rows(x), Rows(y));
        Assert.Equal(Reference(x, y), cka, 4);
        Assert.True(cka < 0.1, $"independent CKA {cka:F3}");
        // a partly shared representation lies in between: y2 = [x, noise]
        var y2 = new double[400, 20];
        for (int i = 0; i < 400; i++) for (int j = 0; j < 20; j++) y2[i, j] = j < 10 ? x[i, j] : y[i, j - 10];
        double part = LinearCka.Between(Rows(x), Rows(y2));
        Assert.Equal(Reference(x, y2), part, 4);
        Assert.InRange(part, 0.4, 0.95);
    }

    [Fact]
    public void Matrix_spans_blocks_subsamples_and_writes_a_heat_map()
    {
        int n = 600; // > one Gram block
        var a = Random(n, 8, 6);
        var b = Multiply(a, Orthogonal(8, 7));
        var c = Random(n, 8, 8);
        var dir = Path.Combine(Path.GetTempPath(), "lp-cka-" + Guid.NewGuid().ToString("N"));
        try
        {
            var m = LinearCka.Run([new("a", Rows(a)), new("a·Q", Rows(b)), new("c", Rows(c))], dir, maxItems: 500);
            Assert.Equal(1.0, m[0, 1], 4);
            Assert.Equal(m[0, 2], m[2, 0]);
            Assert.True(m[0, 2] < 0.1);
            foreach (var f in new[] { "cka.md", "cka.csv", "cka.png", "cka.svg", "manifest.json" })
                Assert.True(File.Exists(Path.Combine(dir, f)), f);
            Assert.Equal(Reference(a, c), LinearCka.Matrix([new("a", Rows(a)), new("c", Rows(c))], maxItems: n)[0, 1], 4);
        }
        finally { if (Directory.Exists(dir)) Directory.Delete(dir, true); }
    }

    [Fact]
    public void Gram_tiles_over_rows_and_columns_give_the_centred_dot_products()
    {
        int n = CentredGram.BlockRows + 76, d = CentredGram.BlockColumns + 100; // two row tiles, two column tiles
        var x = Random(n, d, 9);
        var k = CentredGram.Of(Rows(x));
        var mean = new double[d];
        for (int i = 0; i < n; i++) for (int c = 0; c < d; c++) mean[c] += x[i, c] / n;
        foreach (var (i, j) in new[] { (0, 0), (3, 1000), (1030, 7), (n - 1, n - 2), (n - 2, 1000) })
        {
            double expected = 0;
            for (int c = 0; c < d; c++) expected += (x[i, c] - mean[c]) * (x[j, c] - mean[c]);
            Assert.Equal(expected, k.Row(i)[j], Math.Max(1e-3, Math.Abs(expected) * 1e-4));
            Assert.Equal(k.Row(i)[j], k.Row(j)[i]);
        }
    }
}
