using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
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
            sum = Sum(a0 + a1);
        }
        for (; i < n; i++) sum += (double)x[i] * w[i];
        return sum;
    }

    /// <summary>
    /// dots[t] = x·w_{rows[t]} for weight rows of length x.Length stored row-major in <paramref name="w"/>: four rows per
    /// sweep over x, so x is loaded once for four dot products.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Dots(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<int> rows, Span<double> dots)
    {
        int n = x.Length, t = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            ref float xs = ref MemoryMarshal.GetReference(x);
            for (; t + 4 <= rows.Length; t += 4)
            {
                ref float w0 = ref Unsafe.AsRef(in w[rows[t] * n]), w1 = ref Unsafe.AsRef(in w[rows[t + 1] * n]);
                ref float w2 = ref Unsafe.AsRef(in w[rows[t + 2] * n]), w3 = ref Unsafe.AsRef(in w[rows[t + 3] * n]);
                Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;
                int i = 0;
                for (; i + 16 <= n; i += 16)
                {
                    var v = Vector512.LoadUnsafe(ref xs, (nuint)i);
                    a0 = Vector512.FusedMultiplyAdd(v, Vector512.LoadUnsafe(ref w0, (nuint)i), a0);
                    a1 = Vector512.FusedMultiplyAdd(v, Vector512.LoadUnsafe(ref w1, (nuint)i), a1);
                    a2 = Vector512.FusedMultiplyAdd(v, Vector512.LoadUnsafe(ref w2, (nuint)i), a2);
                    a3 = Vector512.FusedMultiplyAdd(v, Vector512.LoadUnsafe(ref w3, (nuint)i), a3);
                }
                double d0 = Sum(a0), d1 = Sum(a1), d2 = Sum(a2), d3 = Sum(a3);
                for (; i < n; i++)
                {
                    double xi = x[i];
                    d0 += xi * Unsafe.Add(ref w0, i); d1 += xi * Unsafe.Add(ref w1, i);
                    d2 += xi * Unsafe.Add(ref w2, i); d3 += xi * Unsafe.Add(ref w3, i);
                }
                (dots[t], dots[t + 1], dots[t + 2], dots[t + 3]) = (d0, d1, d2, d3);
            }
        }
        for (; t < rows.Length; t++) dots[t] = Dot(x, w.Slice(rows[t] * n, n));
    }

    /// <summary>w += a·x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AddScaled(Span<float> w, float a, ReadOnlySpan<float> x)
    {
        int n = x.Length, i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            ref float ws = ref MemoryMarshal.GetReference(w);
            ref float xs = ref MemoryMarshal.GetReference(x);
            var va = Vector512.Create(a);
            for (; i + 16 <= n; i += 16)
                Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref xs, (nuint)i), va, Vector512.LoadUnsafe(ref ws, (nuint)i)).StoreUnsafe(ref ws, (nuint)i);
        }
        for (; i < n; i++) w[i] += a * x[i];
    }

    static double Sum(Vector512<float> a) => Vector512.Sum(Vector512.WidenLower(a)) + Vector512.Sum(Vector512.WidenUpper(a));
}
