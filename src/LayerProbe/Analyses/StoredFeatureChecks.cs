using LayerProbe.Data;
using System.Globalization;
using System.Numerics.Tensors;
using LayerProbe.Features;

namespace LayerProbe.Analyses;

/// <summary>Checks a stored layer against the item set it claims to describe, before any probe trusts it.</summary>
public static class StoredFeatureChecks
{
    /// <summary>Row ids must be the item ids in order.</summary>
    public static void IdsMatch(StoredFeatureRows rows, IItemSet items, string storeDirectory)
    {
        if (rows.Count != items.Count)
            throw LayerProbeException.For(storeDirectory, $"holds {rows.Count} rows but {items.Name} has {items.Count} items");
        for (int i = 0; i < items.Count; i++)
            if (rows.Ids[i] != items.Id(i))
                throw LayerProbeException.For(storeDirectory, $"row {i} is item '{rows.Ids[i]}' but {items.Name} has '{items.Id(i)}' there (mismatched item ids)");
    }

    /// <summary>
    /// Largest magnitude a value of a <paramref name="dimensions"/>-dimensional row may have: the square root of
    /// float.MaxValue / dimensions, so that every dot product of two such rows — the one operation all readers (probe
    /// scaling, SVMs, Gram matrices, entropy thresholds on sums) build on — is a finite float.
    /// </summary>
    public static float MagnitudeLimit(int dimensions) => (float)Math.Sqrt(float.MaxValue / (double)Math.Max(1, dimensions));

    /// <summary>
    /// Every value must be finite and within <see cref="MagnitudeLimit"/>: a NaN or ±Inf would silently poison every AP,
    /// CKA or entropy downstream (binarize would even turn NaN into 0), and a huge finite value overflows the first sum
    /// of squares. The first offending value is named by item id and dimension. This is the one check every reader of
    /// stored rows applies.
    /// </summary>
    public static void AllFinite(StoredFeatureRows rows, string storeDirectory)
    {
        float limit = MagnitudeLimit(rows.Dimensions);
        for (int i = 0; i < rows.Count; i++) CheckRow(rows.Row(i), limit, rows.Ids, i, storeDirectory);
    }

    /// <summary>The check of <see cref="AllFinite"/> on one row <paramref name="i"/> (ids name it), for readers that
    /// stream the rows anyway; <paramref name="limit"/> is <see cref="MagnitudeLimit"/> of the row's length.</summary>
    public static void CheckRow(ReadOnlySpan<float> row, float limit, IReadOnlyList<string> ids, int i, string storeDirectory)
    {
        // MaxMagnitude keeps the sign of the largest-magnitude value (−∞ stays −∞); NaN fails the comparison.
        if (row.Length == 0 || Math.Abs(TensorPrimitives.MaxMagnitude(row)) <= limit) return;
        for (int j = 0; j < row.Length; j++)
        {
            if (!float.IsFinite(row[j]))
                throw LayerProbeException.For(storeDirectory, $"item '{ids[i]}' has a non-finite value ({row[j].ToString(CultureInfo.InvariantCulture)}) at dimension {j}");
            if (Math.Abs(row[j]) > limit)
                throw LayerProbeException.For(storeDirectory, string.Create(CultureInfo.InvariantCulture,
                    $"item '{ids[i]}' has the value {row[j]:G9} at dimension {j}, beyond ±{limit:G3}, where sums over its {row.Length} dimensions overflow"));
        }
    }
}
