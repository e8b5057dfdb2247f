using LayerProbe.Features.Transforms;
using LayerProbe.Probes;

namespace LayerProbe.Analyses;

/// <summary>What counts as a "unit" of a layer for label entropy (docs/method.md §5.1 step 2).</summary>
public enum UnitKind
{
    /// <summary>One unit per channel, response = the channel's spatial max (fc layers: the scalar) — default.</summary>
    ChannelMax,
    /// <summary>One unit per value (channel × position), response = that value.</summary>
    Position,
}

/// <summary>
/// Responses of every unit of a layer to every item, collected in one streaming pass over the stored rows (the maps
/// themselves are never held): unit-major, <see cref="Units"/> × <see cref="Items"/> floats.
/// </summary>
public sealed class UnitResponses
{
    readonly float[] _values;

    UnitResponses(float[] values, int units, int items) => (_values, Units, Items) = (values, units, items);

    /// <summary>Number of units.</summary>
    public int Units { get; }
    /// <summary>Number of items.</summary>
    public int Items { get; }
    /// <summary>Responses of unit <paramref name="u"/> to all items.</summary>
    public ReadOnlySpan<float> Of(int u) => _values.AsSpan(u * Items, Items);

    /// <summary>Collects responses from rows of shape <paramref name="shape"/> (one pass, rows in parallel).</summary>
    public static UnitResponses Collect(IFeatureRows rows, FeatureShape shape, UnitKind kind, string layer, Progress? progress = null)
    {
        shape.CheckMatches(rows.Dimensions, layer);
        int n = rows.Count;
        int units = kind == UnitKind.ChannelMax ? shape.Channels : shape.Dimensions;
        if ((long)units * n > Array.MaxLength) throw new LayerProbeException($"{layer}: {units} units × {n} items do not fit one array; use channel units");
        var values = new float[(long)units * n];
        int p = shape.Positions;
        const int chunk = 1024; // rows per parallel step; progress is reported between steps, from this thread
        for (int first = 0; first < n; first += chunk)
        {
            Parallel.For(first, Math.Min(n, first + chunk), i =>
            {
                var row = rows.Row(i);
                if (kind == UnitKind.ChannelMax)
                    for (int c = 0; c < shape.Channels; c++)
                        values[(long)c * n + i] = System.Numerics.Tensors.TensorPrimitives.Max(row.Slice(c * p, p));
                else
                    for (int u = 0; u < units; u++) values[(long)u * n + i] = row[u];
            });
            progress?.Report(Math.Min(n, first + chunk));
        }
        return new UnitResponses(values, units, n);
    }
}
