using LayerProbe.Training;
using LayerProbe.Tests.Training;

namespace LayerProbe.Tests.Cli;

/// <summary>
/// Snapshots as one set: a real <c>layerprobe train</c> child is stopped between a snapshot's files
/// (<see cref="SnapshotSet.PauseVariable"/>) and killed with SIGKILL; the torn set is refused by name, <c>--resume
/// DIR</c> takes the previous complete set, and the resumed run ends with the same weights as an uninterrupted one.
/// </summary>
public class SnapshotKillTests
{
    static string[] Train(string output, params string[] extra) =>
        ["train", "--model", "caffenet-mini", "--data", "fashion-mnist", "--iterations", "4", "--batch", "8", "--snapshot-at", "2",
         "--threads", "1", "--out", output, .. extra];

    [Theory]
    [InlineData("onnx-written")]
    [InlineData("solverstate-written")]
    public void A_kill_between_a_snapshots_files_leaves_the_previous_set_usable_and_the_torn_one_ignored(string point)
    {
        string whole = TrainingFixtures.TempDir(), killed = TrainingFixtures.TempDir();
        var uninterrupted = CliProcess.Run(Train(whole));
        Assert.True(uninterrupted.Code == 0, uninterrupted.Err);

        using (var child = ChildCli.Start(Train(killed), new Dictionary<string, string> { [SnapshotSet.PauseVariable] = $"{point}@snapshot_iter_4" }))
        {
            Assert.True(child.WaitUntil(() => child.Errors.Contains("paused in snapshot snapshot_iter_4"), TimeSpan.FromMinutes(5)), child.Errors);
            child.Kill(); // SIGKILL
        }
        string torn = Path.Combine(killed, "snapshot_iter_4.onnx");
        Assert.True(File.Exists(torn));
        Assert.False(File.Exists(Path.Combine(killed, "snapshot_iter_4.json")));
        Assert.Null(SnapshotSet.Problem(Path.Combine(killed, "snapshot_iter_2.onnx")));
        Assert.Equal([2], SnapshotSet.Complete(killed).Select(s => s.Iteration));

        var refused = CliProcess.Run(Train(killed, "--resume", torn));
        Assert.Equal(2, refused.Code);
        Assert.Equal($"layerprobe: {torn}: torn snapshot: snapshot_iter_4.json, written last, is missing; --resume {killed} takes the newest complete set",
            Assert.Single(CliProcess.ErrorLines(refused.Err)));

        var resumed = CliProcess.Run(Train(killed, "--resume", killed));
        Assert.True(resumed.Code == 0, resumed.Err);
        Assert.Contains($"resuming from {Path.Combine(killed, "snapshot_iter_2.onnx")}", resumed.Out);
        Assert.Null(SnapshotSet.Problem(torn));
        Assert.Equal(File.ReadAllBytes(Path.Combine(whole, "snapshot_iter_4.onnx")), File.ReadAllBytes(torn));
    }

    [Fact]
    public void A_set_whose_file_was_rewritten_after_its_manifest_is_torn()
    {
        string dir = TrainingFixtures.TempDir();
        Assert.Equal(0, CliProcess.Run(Train(dir)).Code);
        string onnx = Path.Combine(dir, "snapshot_iter_4.onnx");
        Assert.Null(SnapshotSet.Problem(onnx));
        // A rerun killed after its new .solverstate: the old manifest no longer describes the files beside it.
        File.Copy(Path.Combine(dir, "snapshot_iter_2.solverstate"), Path.Combine(dir, "snapshot_iter_4.solverstate"), overwrite: true);
        Assert.Equal("torn snapshot: snapshot_iter_4.solverstate is not the file snapshot_iter_4.json committed (a later write was interrupted)", SnapshotSet.Problem(onnx));
        Assert.Equal(Path.Combine(dir, "snapshot_iter_2.onnx"), SnapshotSet.ForResume(dir));
        File.Delete(Path.Combine(dir, "snapshot_iter_2.json"));
        Assert.Contains("no complete snapshot set", Assert.Throws<LayerProbeException>(() => SnapshotSet.ForResume(dir)).Message);
    }
}
