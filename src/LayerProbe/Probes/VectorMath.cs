using System.Runtime.Intrinsics;

namespace LayerProbe.Probes;

/// <summary>Dot products and updates between float feature rows and float/double weight vectors (SIMD).</summary>
internal static class VectorMath
{
    /// <summary>Σ x·w, accumulated in float vectors with a double final sum.</summary>
    public static double Dot(ReadOnlySpan<float> x, ReadOnlySpan<float> w)
    {
        int n = x.Length, i = 0;
        double sum = 0;
        if (Vector512.IsHardwareAccelerated && n >= 16)
        {
            var a0 = Vector512<float>.Zero; var a1 = Vector512<float>.Zero;
            for (; i + 32 <= n; i += 32)
            {
                a0 = Vector512.FusedMultiplyAdd(Vector512.Create(x.Slice(i, 16)), Vector512.Create(w.Slice(i, 16)), a0);
                a1 = Vector512.FusedMultiplyAdd(Vector512.Create(x.Slice(i + 16, 16)), Vector512.Create(w.Slice(i + 16, 16)), a1);
            }
            for (; i + 16 <= n; i += 16)
                a0 = Vector512.FusedMultiplyAdd(Vector512.Create(x.Slice(i, 16)), Vector512.Create(w.Slice(i, 16)), a0);
            sum = Vector512.Sum(Vector512.WidenLower(a0 + a1)) + Vector512.Sum(Vector512.WidenUpper(a0 + a1));
        }
        for (; i < n; i++) sum += (double)x[i] * w[i];
        return sum;
    }

    /// <summary>Σ x·w with double weights (the dual coordinate descent keeps w in double like liblinear).</summary>
    public static double Dot(ReadOnlySpan<float> x, ReadOnlySpan<double> w)
    {
        int n = x.Length, i = 0;
        double sum = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var a0 = Vector512<double>.Zero; var a1 = Vector512<double>.Zero;
            for (; i + 16 <= n; i += 16)
            {
                var v = Vector512.Create(x.Slice(i, 16));
                a0 = Vector512.FusedMultiplyAdd(Vector512.WidenLower(v), Vector512.Create(w.Slice(i, 8)), a0);
                a1 = Vector512.FusedMultiplyAdd(Vector512.WidenUpper(v), Vector512.Create(w.Slice(i + 8, 8)), a1);
            }
            sum = Vector512.Sum(a0 + a1);
        }
        for (; i < n; i++) sum += x[i] * w[i];
        return sum;
    }

    /// <summary>w += a·x with double weights.</summary>
    public static void AddScaled(Span<double> w, double a, ReadOnlySpan<float> x)
    {
        int n = x.Length, i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var va = Vector512.Create(a);
            for (; i + 16 <= n; i += 16)
            {
                var v = Vector512.Create(x.Slice(i, 16));
                Vector512.FusedMultiplyAdd(Vector512.WidenLower(v), va, Vector512.Create(w.Slice(i, 8))).CopyTo(w.Slice(i, 8));
                Vector512.FusedMultiplyAdd(Vector512.WidenUpper(v), va, Vector512.Create(w.Slice(i + 8, 8))).CopyTo(w.Slice(i + 8, 8));
            }
        }
        for (; i < n; i++) w[i] += a * x[i];
    }
}
