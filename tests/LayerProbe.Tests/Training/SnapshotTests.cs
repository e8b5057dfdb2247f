using System.Text.Json;
using LayerProbe.Networks;
using LayerProbe.Tests.Networks;
using LayerProbe.Training;
using Xunit.Abstractions;

namespace LayerProbe.Tests.Training;

/// <summary>A snapshot is a complete ONNX file: ONNX Runtime computes what the TorchSharp network that wrote it computes.</summary>
public class SnapshotTests(ITestOutputHelper log)
{
    [Fact]
    public void Snapshot_onnx_in_onnx_runtime_matches_the_trained_torch_network_and_manifest_records_the_run()
    {
        var source = TrainingFixtures.Quadrants(120, 28, 2);
        var network = TrainingFixtures.Mini();
        string dir = TrainingFixtures.TempDir();
        var solver = new SolverSettings { BaseLr = 0.01, MaxIterations = 8 };
        using var trainer = new Trainer(network, source, solver, new LrMultipliers(), new TrainerOptions
        {
            BatchSize = 16, Seed = 1, Snapshots = [8], OutputDirectory = dir, Log = TextWriter.Null, TestSource = source, TestItems = 50,
        });
        trainer.Run();

        string path = Path.Combine(dir, "snapshot_iter_8.onnx");
        var snapshot = OnnxNetwork.Load(path);
        var errors = Parity.Check(log, "snapshot after 8 iterations", snapshot, trainer.Network, snapshot.Aliases.Pairs,
            Parity.Input(6 * 28 * 28, 4), [6, 1, 28, 28]);
        Assert.True(errors.Values.Max() <= Parity.Tolerance);
        // The weights did move: the snapshot is not the initial network.
        Assert.NotEqual(network.Sha256, snapshot.Sha256);

        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.ChangeExtension(path, ".json")));
        var root = manifest.RootElement;
        Assert.Equal(8, root.GetProperty("settings").GetProperty("iteration").GetInt32());
        Assert.Equal(1, root.GetProperty("settings").GetProperty("seed").GetInt32());
        Assert.Equal(network.Sha256, root.GetProperty("inputs").GetProperty("parent_network").GetString());
        Assert.InRange(root.GetProperty("measurements").GetProperty("held_out_top1").GetDouble(), 0, 1);
        Assert.Equal(snapshot.Sha256, root.GetProperty("outputs").GetProperty("snapshot_iter_8.onnx").GetString());

        var state = SolverState.Read(SolverState.PathFor(path));
        Assert.Equal(8, state.Iteration);
        Assert.Equal(trainer.Network.Weights.Count, state.History.Count);
        Assert.Contains(state.History, h => h.Values.Any(v => v != 0));
    }
}
