using LayerProbe.Data;
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

    /// <summary>Every value must be finite: a NaN or ±Inf would silently poison every AP downstream.</summary>
    public static void AllFinite(StoredFeatureRows rows, string storeDirectory)
    {
        for (int i = 0; i < rows.Count; i++)
        {
            var row = rows.Row(i);
            for (int j = 0; j < row.Length; j++)
                if (!float.IsFinite(row[j]))
                    throw LayerProbeException.For(storeDirectory, $"item '{rows.Ids[i]}' has a non-finite value ({row[j]}) at dimension {j}");
        }
    }
}
