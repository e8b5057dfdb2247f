using LayerProbe.Reports;

namespace LayerProbe.Studies;

/// <summary>What <see cref="EvolutionStudy.Run"/> measured and wrote.</summary>
/// <param name="Iterations">Snapshot iterations (columns, ascending).</param>
/// <param name="Grid">mAP per layer and snapshot.</param>
/// <param name="Reach">Per layer, the earliest iteration reaching 80 % and 90 % of the final snapshot's mAP (null: never).</param>
/// <param name="Files">Written files, relative to the report folder.</param>
public sealed record EvolutionResult(IReadOnlyList<int> Iterations, LayerGrid Grid, IReadOnlyList<(string Layer, int? At80, int? At90)> Reach,
    IReadOnlyList<string> Files);

/// <summary>
/// Paper Table 4 and Fig. 1 (E5, E6): every snapshot of a training run probed layer by layer on one task (layers ×
/// snapshots of mAP), the ratio to the final snapshot, the earliest snapshot reaching 80 %/90 % of each layer's final
/// quality, and each snapshot's conv1 filters as a tile image. The paper's Table 4 is written beside the tables.
/// </summary>
public static class EvolutionStudy
{
    /// <summary>Probes <paramref name="snapshots"/> (ascending iterations, one run) and writes <c>evolution*</c>, <c>conv1-iter-N.png</c> and <c>paper-table4.*</c> into <paramref name="report"/>.</summary>
    public static EvolutionResult Run(IReadOnlyList<Snapshot> snapshots, IReadOnlyList<string> layers, StudyTask task, string report, string taskName)
    {
        if (snapshots.Count == 0) throw new LayerProbeException("evolution: no snapshots");
        SnapshotFolder.CheckSameRun(snapshots);
        NetworkProbes.CheckLayers(snapshots.Select(s => s.Network), layers);
        var iterations = snapshots.Select(s => s.Iteration).ToList();
        var grid = NetworkProbes.Run(snapshots.Select(s => ($"iter {s.Iteration}", s.Network)).ToList(), layers, task);

        var files = new List<string>();
        void Table(ResultTable table, string stem) => files.AddRange(TableWriters.WriteAll(table, report, stem));
        Table(grid.ToTable($"{taskName}: mAP (%) per layer at each training snapshot (linear SVM probes)"), "evolution");
        Table(QualityReach.RelativeTable("mAP at each snapshot as % of the final snapshot's mAP", grid), "evolution-relative");
        Table(QualityReach.ReachTable("Earliest snapshot (iteration) reaching 80 % / 90 % of the layer's final mAP", grid, iterations), "evolution-reach");
        Table(PaperAnchors.Table4AsTable(), "paper-table4");

        Plots.Lines($"mAP per layer over training: {taskName}", "mAP (%)", iterations.Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList(),
            layers.Select((l, r) => (l, grid.Row(r))).ToList(), Path.Combine(report, "evolution-map"));
        files.AddRange(["evolution-map.png", "evolution-map.svg"]);
        foreach (var s in snapshots)
        {
            string name = $"conv1-iter-{s.Iteration}.png";
            FilterGrid.Write(s.Network, Path.Combine(report, name));
            files.Add(name);
        }
        var reach = layers.Select((l, r) => (l, QualityReach.Earliest(iterations, grid.Row(r), 0.8), QualityReach.Earliest(iterations, grid.Row(r), 0.9))).ToList();
        return new EvolutionResult(iterations, grid, reach, files);
    }
}
