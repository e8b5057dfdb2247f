using LayerProbe.Networks;
using LayerProbe.Training;
using Xunit.Abstractions;

namespace LayerProbe.Tests.Training;

/// <summary>
/// Interrupt-and-resume must be invisible: N iterations straight and N/2 + snapshot + resume (fresh network built from
/// the snapshot ONNX) end with bitwise identical parameters — with dropout, random crops and mirrors active.
/// </summary>
public class ResumeTests(ITestOutputHelper output)
{
    static readonly SolverSettings Solver = new() { BaseLr = 0.01, StepSize = 12, Gamma = 0.1, MaxIterations = 24 };

    static TrainerOptions Options(string dir, params int[] snapshots) => new()
    {
        BatchSize = 16, Seed = 7, Augmentation = new Augmentation(28, Mirror: true), Threads = 2, LogInterval = 4,
        Snapshots = snapshots, OutputDirectory = dir, Log = TextWriter.Null,
        TestSource = TrainingFixtures.Quadrants(64, 32, 99), TestInterval = 8,
    };

    [Fact]
    public void Resumed_run_ends_bit_identical_to_the_uninterrupted_run_across_a_learning_rate_step()
    {
        var source = TrainingFixtures.Quadrants(200, 32, 1);
        var network = TrainingFixtures.Mini();
        string straightDir = TrainingFixtures.TempDir(), splitDir = TrainingFixtures.TempDir();

        using var straight = new Trainer(network, source, Solver, new LrMultipliers(), Options(straightDir));
        straight.Run();

        using (var first = new Trainer(network, source, Solver, new LrMultipliers(), Options(splitDir, 10)))
            first.Run(until: 10);
        string snapshot = Path.Combine(splitDir, "snapshot_iter_10.onnx");
        Assert.True(File.Exists(SolverState.PathFor(snapshot)));
        Assert.True(File.Exists(Path.ChangeExtension(snapshot, ".json")));
        using var resumed = Trainer.Resume(snapshot, source, Solver, new LrMultipliers(), Options(splitDir));
        Assert.Equal(10, resumed.Iteration);
        resumed.Run();

        var a = TrainingFixtures.Bytes(straight.Network);
        var b = TrainingFixtures.Bytes(resumed.Network);
        Assert.Equal(a.Keys.Order(), b.Keys.Order());
        foreach (var name in a.Keys) Assert.True(a[name].AsSpan().SequenceEqual(b[name]), $"{name} differs after resume");
        // The logged losses after the resume point match too (same batches, same dropout masks).
        var straightRows = straight.Log.Rows.Where(r => r.Iteration > 10).Select(r => (r.Iteration, r.Loss, r.SmoothedLoss, r.TestAccuracy));
        var resumedRows = resumed.Log.Rows.Where(r => r.Iteration > 10).Select(r => (r.Iteration, r.Loss, r.SmoothedLoss, r.TestAccuracy));
        Assert.Equal(straightRows, resumedRows);
        output.WriteLine(string.Join("\n", resumed.Log.Rows.Select(r => $"{r.Iteration} {r.Loss:F5} {r.SmoothedLoss:F5} {r.TestAccuracy}")));
        Assert.Contains(resumed.Log.Rows, r => r.Iteration == 4); // the log of the interrupted part was kept
        Assert.True(File.Exists(Path.Combine(splitDir, "train_log.csv")));
        Assert.True(File.Exists(Path.Combine(splitDir, "train_loss.png")));
    }

    [Fact]
    public void Resuming_with_another_seed_is_refused()
    {
        var source = TrainingFixtures.Quadrants(40, 32, 1);
        string dir = TrainingFixtures.TempDir();
        using (var first = new Trainer(TrainingFixtures.Mini(), source, Solver, new LrMultipliers(), Options(dir, 2) with { TestSource = null }))
            first.Run(until: 2);
        var e = Assert.Throws<LayerProbeException>(() =>
            Trainer.Resume(Path.Combine(dir, "snapshot_iter_2.onnx"), source, Solver, new LrMultipliers(), Options(dir) with { Seed = 8 }));
        Assert.Contains("seed 7", e.Message);
    }
}
