using LayerProbe.Reports;

namespace LayerProbe.Studies;

/// <summary>
/// The paper's training-evolution summary (docs/method.md §5.4): for each layer, the ratio mAP(snapshot) / mAP(final
/// snapshot) and the earliest snapshot whose ratio reaches a fraction (80 %, 90 %) of the final quality.
/// </summary>
public static class QualityReach
{
    /// <summary>Fractions of final quality reported (paper: all layers ≥ 80 % by 15K, ≥ 90 % by 50K of 310K iterations).</summary>
    public static readonly double[] Fractions = [0.8, 0.9];

    /// <summary>The first iteration whose value is ≥ <paramref name="fraction"/> × the last value, or null when none is (last value ≤ 0 or not finite).</summary>
    public static int? Earliest(IReadOnlyList<int> iterations, IReadOnlyList<double> values, double fraction)
    {
        if (iterations.Count != values.Count || values.Count == 0) throw new ArgumentException("one value per iteration is needed");
        double final = values[^1];
        if (!double.IsFinite(final) || final <= 0) return null;
        for (int i = 0; i < values.Count; i++)
            if (values[i] >= fraction * final) return iterations[i];
        return null;
    }

    /// <summary>Layers × snapshots of mAP(snapshot)/mAP(final) in percent.</summary>
    public static ResultTable RelativeTable(string title, LayerGrid grid)
    {
        var table = new ResultTable(title, "layer", grid.Columns) { Format = "F0" };
        for (int l = 0; l < grid.Layers.Count; l++)
        {
            var row = grid.Row(l);
            table.Add(grid.Layers[l], row.Select(v => row[^1] > 0 ? 100 * v / row[^1] : (double?)null));
        }
        return table;
    }

    /// <summary>Layers × {80 %, 90 %} of the earliest iteration reaching that fraction of the layer's final mAP.</summary>
    public static ResultTable ReachTable(string title, LayerGrid grid, IReadOnlyList<int> iterations)
    {
        var table = new ResultTable(title, "layer", Fractions.Select(f => $"first ≥ {100 * f:F0}% of final").ToList()) { Format = "F0" };
        for (int l = 0; l < grid.Layers.Count; l++)
        {
            var row = grid.Row(l);
            table.Add(grid.Layers[l], Fractions.Select(f => (double?)Earliest(iterations, row, f)));
        }
        return table;
    }
}
