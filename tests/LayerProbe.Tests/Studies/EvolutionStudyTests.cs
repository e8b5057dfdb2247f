using LayerProbe.Studies;
using LayerProbe.Tests.Training;
using SixLabors.ImageSharp;

namespace LayerProbe.Tests.Studies;

/// <summary>Paper Table 4 / Fig. 1 on a tiny real run: one column per snapshot, finite values, reach, conv1 grids.</summary>
public class EvolutionStudyTests
{
    [Fact]
    public void Evolution_has_one_column_per_snapshot_finite_maps_and_a_conv1_grid_per_snapshot()
    {
        string report = TrainingFixtures.TempDir();
        var snapshots = SnapshotFolder.Read(StudyFixtures.RunFolder);
        Assert.Equal([2, 4, 6], snapshots.Select(s => s.Iteration));

        var result = EvolutionStudy.Run(snapshots, StudyFixtures.Layers, StudyFixtures.Task(report), report, "test task");

        Assert.Equal(["iter 2", "iter 4", "iter 6"], result.Grid.Columns);
        Assert.Equal(StudyFixtures.Layers, result.Grid.Layers);
        for (int l = 0; l < StudyFixtures.Layers.Length; l++)
            foreach (var v in result.Grid.Row(l)) Assert.InRange(v, 0, 100);
        // The final snapshot always has 100 % of its own quality, so every layer reaches 80 % and 90 % at the latest there.
        foreach (var (layer, at80, at90) in result.Reach)
        {
            Assert.NotNull(at80);
            Assert.NotNull(at90);
            Assert.True(at80 <= at90, layer);
        }
        var csv = File.ReadAllLines(Path.Combine(report, "evolution.csv"));
        Assert.Equal("layer,iter 2,iter 4,iter 6", csv[0]);
        Assert.Equal(StudyFixtures.Layers.Length + 1, csv.Length);
        Assert.Contains("Table 4", File.ReadAllText(Path.Combine(report, "paper-table4.md")));

        foreach (var s in snapshots)
        {
            var (dims, _) = FilterGrid.Conv1Weights(s.Network);
            using var image = Image.Load(Path.Combine(report, $"conv1-iter-{s.Iteration}.png"));
            int zoom = FilterGrid.DefaultZoom(dims[3]);
            var (columns, rows) = FilterGrid.Layout(dims[0]);
            Assert.Equal(columns * (dims[3] * zoom + 1) + 1, image.Width);
            Assert.Equal(rows * (dims[2] * zoom + 1) + 1, image.Height);
        }
        foreach (var f in result.Files) Assert.True(File.Exists(Path.Combine(report, f)), f);
    }

    [Fact]
    public void Quality_reach_is_the_first_snapshot_at_or_above_the_fraction_of_the_final_value()
    {
        int[] iterations = [5, 15, 50, 310];
        double[] values = [30, 60, 66, 70];
        Assert.Equal(15, QualityReach.Earliest(iterations, values, 0.8));   // 60 ≥ 56
        Assert.Equal(50, QualityReach.Earliest(iterations, values, 0.9));   // 66 ≥ 63
        Assert.Equal(310, QualityReach.Earliest(iterations, values, 1.0));
        Assert.Null(QualityReach.Earliest(iterations, [1, 2, 3, 0], 0.8)); // no positive final quality: no reach
        Assert.Null(QualityReach.Earliest(iterations, [1, 2, 3, double.NaN], 0.8));
    }
}
