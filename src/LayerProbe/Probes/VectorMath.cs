using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace LayerProbe.Probes;

/// <summary>
/// Dot products and updates between float feature rows and float weight vectors. Each kernel is written once against
/// <see cref="IFloatLanes{TSelf}"/> and runs on 16 lanes where AVX-512 is there, on 8 where only 256-bit vectors are
/// (AVX2, most desktop CPUs), scalar otherwise. Results depend on the lane count (the order of the sums), never on
/// anything else.
/// </summary>
internal static class VectorMath
{
    /// <summary>Σ x·w, accumulated in float vectors with a double final sum.</summary>
    public static double Dot(ReadOnlySpan<float> x, ReadOnlySpan<float> w)
    {
        if (Vector512.IsHardwareAccelerated) return Dot<Lanes512>(x, w);
        if (Vector256.IsHardwareAccelerated) return Dot<Lanes256>(x, w);
        double sum = 0;
        for (int i = 0; i < x.Length; i++) sum += (double)x[i] * w[i];
        return sum;
    }

    /// <summary>
    /// dots[t] = x·w_{rows[t]} for weight rows of length x.Length stored row-major in <paramref name="w"/>: four rows per
    /// sweep over x, so x is loaded once for four dot products.
    /// </summary>
    public static void Dots(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<int> rows, Span<double> dots)
    {
        if (Vector512.IsHardwareAccelerated) Dots<Lanes512>(x, w, rows, dots);
        else if (Vector256.IsHardwareAccelerated) Dots<Lanes256>(x, w, rows, dots);
        else
            for (int t = 0; t < rows.Length; t++) dots[t] = Dot(x, w.Slice(rows[t] * x.Length, x.Length));
    }

    /// <summary>w += a·x.</summary>
    public static void AddScaled(Span<float> w, float a, ReadOnlySpan<float> x)
    {
        if (Vector512.IsHardwareAccelerated) AddScaled<Lanes512>(w, a, x);
        else if (Vector256.IsHardwareAccelerated) AddScaled<Lanes256>(w, a, x);
        else
            for (int i = 0; i < x.Length; i++) w[i] += a * x[i];
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static double Dot<V>(ReadOnlySpan<float> x, ReadOnlySpan<float> w) where V : struct, IFloatLanes<V>
    {
        int n = x.Length, i = 0, c = V.Count;
        ref float xs = ref MemoryMarshal.GetReference(x), ws = ref MemoryMarshal.GetReference(w);
        double sum = 0;
        if (n >= c)
        {
            V a0 = default, a1 = default;
            for (; i + 2 * c <= n; i += 2 * c)
            {
                a0 = V.MultiplyAdd(V.Load(ref xs, i), V.Load(ref ws, i), a0);
                a1 = V.MultiplyAdd(V.Load(ref xs, i + c), V.Load(ref ws, i + c), a1);
            }
            for (; i + c <= n; i += c) a0 = V.MultiplyAdd(V.Load(ref xs, i), V.Load(ref ws, i), a0);
            sum = V.Sum(V.Add(a0, a1));
        }
        for (; i < n; i++) sum += (double)x[i] * w[i];
        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void Dots<V>(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<int> rows, Span<double> dots) where V : struct, IFloatLanes<V>
    {
        int n = x.Length, t = 0, c = V.Count;
        ref float xs = ref MemoryMarshal.GetReference(x);
        for (; t + 4 <= rows.Length; t += 4)
        {
            ref float w0 = ref Unsafe.AsRef(in w[rows[t] * n]), w1 = ref Unsafe.AsRef(in w[rows[t + 1] * n]);
            ref float w2 = ref Unsafe.AsRef(in w[rows[t + 2] * n]), w3 = ref Unsafe.AsRef(in w[rows[t + 3] * n]);
            V a0 = default, a1 = default, a2 = default, a3 = default;
            int i = 0;
            for (; i + c <= n; i += c)
            {
                var v = V.Load(ref xs, i);
                a0 = V.MultiplyAdd(v, V.Load(ref w0, i), a0);
                a1 = V.MultiplyAdd(v, V.Load(ref w1, i), a1);
                a2 = V.MultiplyAdd(v, V.Load(ref w2, i), a2);
                a3 = V.MultiplyAdd(v, V.Load(ref w3, i), a3);
            }
            double d0 = V.Sum(a0), d1 = V.Sum(a1), d2 = V.Sum(a2), d3 = V.Sum(a3);
            for (; i < n; i++)
            {
                double xi = x[i];
                d0 += xi * Unsafe.Add(ref w0, i); d1 += xi * Unsafe.Add(ref w1, i);
                d2 += xi * Unsafe.Add(ref w2, i); d3 += xi * Unsafe.Add(ref w3, i);
            }
            (dots[t], dots[t + 1], dots[t + 2], dots[t + 3]) = (d0, d1, d2, d3);
        }
        for (; t < rows.Length; t++) dots[t] = RowDot<V>(x, w.Slice(rows[t] * n, n));
    }

    /// <summary>x·w summed in exactly the order <see cref="Dots{V}"/> sums each of its four rows, so that a row's dot product does not depend on which rows share its sweep.</summary>
    static double RowDot<V>(ReadOnlySpan<float> x, ReadOnlySpan<float> w) where V : struct, IFloatLanes<V>
    {
        int n = x.Length, i = 0, c = V.Count;
        ref float xs = ref MemoryMarshal.GetReference(x), ws = ref MemoryMarshal.GetReference(w);
        V a = default;
        for (; i + c <= n; i += c) a = V.MultiplyAdd(V.Load(ref xs, i), V.Load(ref ws, i), a);
        double d = V.Sum(a);
        for (; i < n; i++) d += (double)x[i] * Unsafe.Add(ref ws, i);
        return d;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void AddScaled<V>(Span<float> w, float a, ReadOnlySpan<float> x) where V : struct, IFloatLanes<V>
    {
        int n = x.Length, i = 0, c = V.Count;
        ref float ws = ref MemoryMarshal.GetReference(w);
        ref float xs = ref MemoryMarshal.GetReference(x);
        var va = V.Broadcast(a);
        for (; i + c <= n; i += c) V.Store(V.MultiplyAdd(V.Load(ref xs, i), va, V.Load(ref ws, i)), ref ws, i);
        for (; i < n; i++) w[i] += a * x[i];
    }
}
