using LayerProbe.Analyses;
using LayerProbe.Reports;

namespace LayerProbe.Studies;

/// <summary>mAP (%, VOC 11-point) of layer-wise probes: one row per layer, one column per network (snapshot, fine-tuning variant).</summary>
/// <param name="Layers">Rows, in depth order.</param>
/// <param name="Columns">Network names.</param>
/// <param name="Results">Full probe results, <c>Results[column][row]</c>.</param>
public sealed record LayerGrid(IReadOnlyList<string> Layers, IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyList<LayerProbeResult>> Results)
{
    /// <summary>mAP (%) of <paramref name="layer"/> (row index) in <paramref name="column"/>.</summary>
    public double Map(int layer, int column) => 100 * Results[column][layer].Mean.ElevenPoint;

    /// <summary>The values of one row.</summary>
    public IReadOnlyList<double> Row(int layer) => Enumerable.Range(0, Columns.Count).Select(c => Map(layer, c)).ToList();

    /// <summary>Layers × networks as a result table.</summary>
    public ResultTable ToTable(string title) =>
        Enumerable.Range(0, Layers.Count).Aggregate(new ResultTable(title, "layer", Columns),
            (t, l) => t.Add(Layers[l], Row(l).Select(v => (double?)v)));
}
