using LayerProbe.Cli;
using LayerProbe.Data;
using LayerProbe.Networks;
using LayerProbe.Training;

namespace LayerProbe.Tests.Training;

/// <summary><c>layerprobe train</c> end to end on a registered synthetic source: snapshots, resume, and one-line errors.</summary>
[Collection("Console")]
public class TrainCommandTests
{
    static TrainCommandTests() =>
        DataSources.Default.RegisterTraining("quadrants-test", () => (TrainingFixtures.Quadrants(96, 32, 1), TrainingFixtures.Quadrants(32, 32, 2)));

    [Fact]
    public void Train_writes_snapshots_log_and_curves_then_resumes_to_the_same_final_weights()
    {
        string dir = TrainingFixtures.TempDir(), resumed = TrainingFixtures.TempDir();
        string[] common = ["train", "--model", "caffenet-mini", "--data", "quadrants-test", "--iterations", "6", "--batch", "8",
            "--lr", "0.01", "--step", "4", "--threads", "2", "--crop", "28", "--mirror"];
        Assert.Equal(0, CliApp.Run([.. common, "--snapshot-at", "3", "--out", dir]));
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
        Assert.Equal(0, CliApp.Run(["train", "--model", "caffenet-mini", "--data", "fashion-mnist", "--iterations", "4", "--batch", "16",
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
        try { Assert.Equal(2, CliApp.Run(["train", "--model", "caffenet-mini", "--data", name, "--iterations", "5", "--out", TrainingFixtures.TempDir()])); }
        finally { Console.SetError(saved); }
        Assert.Contains(expected, error.ToString());
    }

    [Fact]
    public void Snapshot_beyond_max_iter_is_refused_before_training()
    {
        string dir = TrainingFixtures.TempDir();
        Assert.Equal(2, CliApp.Run(["train", "--model", "caffenet-mini", "--data", "quadrants-test", "--iterations", "5", "--snapshot-at", "9", "--out", dir]));
        Assert.Empty(Directory.GetFiles(dir));
    }

    [Theory]
    [InlineData("caffenet-mini", "xavier", "--init: 'xavier' is not one of caffe, msra")]
    [InlineData("some.onnx", "msra", "--init: msra applies to caffenet-mini built here")]
    public void Unknown_or_inapplicable_init_is_a_one_line_error_before_training(string net, string init, string expected)
    {
        string dir = TrainingFixtures.TempDir();
        var error = new StringWriter();
        var saved = Console.Error;
        Console.SetError(error);
        try { Assert.Equal(2, CliApp.Run(["train", "--model", net, "--data", "quadrants-test", "--iterations", "5", "--init", init, "--out", dir])); }
        finally { Console.SetError(saved); }
        Assert.Single(error.ToString().Trim().Split('\n'));
        Assert.Contains(expected, error.ToString());
        Assert.Empty(Directory.GetFiles(dir));
    }

    [Fact]
    public void Msra_init_redraws_caffenet_mini_weights_with_he_scale()
    {
        string plain = TrainingFixtures.TempDir(), he = TrainingFixtures.TempDir();
        Assert.Equal(0, CliApp.Run(["train", "--model", "caffenet-mini", "--data", "quadrants-test", "--iterations", "1", "--lr", "1e-20", "--batch", "8", "--out", plain]));
        Assert.Equal(0, CliApp.Run(["train", "--model", "caffenet-mini", "--data", "quadrants-test", "--iterations", "1", "--lr", "1e-20", "--batch", "8", "--init", "msra", "--out", he]));
        double Std(string dir)
        {
            var model = OnnxNetwork.Load(Directory.GetFiles(dir, "*.onnx").Single()).Model;
            var w = model.Graph.Initializer.First(i => i.Name.StartsWith("conv2", StringComparison.Ordinal) && i.Dims.Count == 4);
            var values = OnnxTensors.ReadFloats(w);
            double fanIn = values.Length / (double)w.Dims[0];
            return Math.Sqrt(values.Select(v => (double)v * v).Average()) / Math.Sqrt(2 / fanIn);
        }
        Assert.InRange(Std(he), 0.9, 1.1);        // He: std = sqrt(2 / fan-in)
        Assert.NotInRange(Std(plain), 0.9, 1.1);  // the paper's fixed Gaussian fillers
    }
}
