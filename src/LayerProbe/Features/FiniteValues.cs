using System.Numerics;
using System.Runtime.InteropServices;

namespace LayerProbe.Features;

/// <summary>
/// The vectorised check every batch passes before it is written to a store: the first value that is NaN, infinite, or
/// (for float16 stores) too large to be stored as a finite half. One subtraction and one comparison per vector of
/// values; the scalar search runs only inside the vector that failed.
/// </summary>
static class FiniteValues
{
    /// <summary>Smallest magnitude that rounds to infinity in float16 (65504 plus half its last step, a tie rounded to even).</summary>
    public const float HalfOverflow = 65520f;

    /// <summary>Index of the first value of <paramref name="values"/> whose magnitude is not below <paramref name="limit"/> (NaN included), or −1.</summary>
    public static int FirstOutside(ReadOnlySpan<float> values, float limit = float.PositiveInfinity)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var bound = new Vector<float>(limit);
            var vectors = MemoryMarshal.Cast<float, Vector<float>>(values);
            for (int v = 0; v < vectors.Length; v++, i += Vector<float>.Count)
                if (!Vector.LessThanAll(Vector.Abs(vectors[v]), bound)) break; // NaN compares false
        }
        for (; i < values.Length; i++)
            if (!(MathF.Abs(values[i]) < limit)) return i;
        return -1;
    }
}
