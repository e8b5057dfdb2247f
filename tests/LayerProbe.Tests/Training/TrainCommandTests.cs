using LayerProbe.Cli;
using LayerProbe.Networks;
using LayerProbe.Training;

namespace LayerProbe.Tests.Training;

/// <summary><c>layerprobe train</c> end to end on a registered synthetic source: snapshots, resume, and one-line errors.</summary>
[Collection("Console")]
public class TrainCommandTests
{
    static TrainCommandTests() =>
        TrainingDataSources.Register("quadrants-test", () => (TrainingFixtures.Quadrants(96, 32, 1), TrainingFixtures.Quadrants(32, 32, 2)));

    [Fact]
    public void Train_writes_snapshots_log_and_curves_then_resumes_to_the_same_final_weights()
    {
        string dir = TrainingFixtures.TempDir(), resumed = TrainingFixtures.TempDir();
        string[] common = ["train", "--net", "caffenet-mini", "--data", "quadrants-test", "--iterations", "6", "--batch", "8",
            "--lr", "0.01", "--step", "4", "--threads", "2", "--crop", "28", "--mirror"];
        Assert.Equal(0, CliApp.Run([.. common, "--snapshots", "3", "--out", dir]));
        foreach (var f in new[] { "snapshot_iter_3.onnx", "snapshot_iter_3.solverstate", "snapshot_iter_3.json", "snapshot_iter_6.onnx",
                     "train_log.csv", "train_loss.png", "train_loss.svg", "test_accuracy.png" })
            Assert.True(File.Exists(Path.Combine(dir, f)), f);
        Assert.Equal([1, 28, 28], OnnxNetwork.Load(Path.Combine(dir, "snapshot_iter_6.onnx")).InputShape.Skip(1));

        Assert.Equal(0, CliApp.Run([.. common, "--out", resumed, "--resume", Path.Combine(dir, "snapshot_iter_3.onnx")]));
        Assert.Equal(File.ReadAllBytes(Path.Combine(dir, "snapshot_iter_6.onnx")), File.ReadAllBytes(Path.Combine(resumed, "snapshot_iter_6.onnx")));
    }

    [Fact]
    public void Train_runs_on_the_builtin_fashion_mnist_source()
    {
        string dir = TrainingFixtures.TempDir();
        Assert.Equal(0, CliApp.Run(["train", "--net", "caffenet-mini", "--data", "fashion-mnist", "--iterations", "4", "--batch", "16",
            "--threads", "2", "--out", dir]));
        var snapshot = OnnxNetwork.Load(Path.Combine(dir, "snapshot_iter_4.onnx"));
        Assert.Equal([1, 28, 28], snapshot.InputShape.Skip(1));
        Assert.Equal(10, LayerTable.Read(snapshot).Single(r => r.Alias == "fc8").Shape[0]);
    }

    [Theory]
    [InlineData("imagenet", "unknown data source 'imagenet'")]
    public void Data_sources_without_a_reader_are_one_line_errors(string name, string expected)
    {
        var error = new StringWriter();
        var saved = Console.Error;
        Console.SetError(error);
        try { Assert.Equal(2, CliApp.Run(["train", "--net", "caffenet-mini", "--data", name, "--iterations", "5", "--out", TrainingFixtures.TempDir()])); }
        finally { Console.SetError(saved); }
        Assert.Contains(expected, error.ToString());
    }

    [Fact]
    public void Snapshot_beyond_max_iter_is_refused_before_training()
    {
        string dir = TrainingFixtures.TempDir();
        Assert.Equal(2, CliApp.Run(["train", "--net", "caffenet-mini", "--data", "quadrants-test", "--iterations", "5", "--snapshots", "9", "--out", dir]));
        Assert.Empty(Directory.GetFiles(dir));
    }
}
