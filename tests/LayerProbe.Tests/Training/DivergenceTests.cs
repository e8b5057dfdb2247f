using LayerProbe.Cli;
using LayerProbe.Data;
using LayerProbe.Training;

namespace LayerProbe.Tests.Training;

/// <summary>A diverging run (learning rate 1e6) stops with one line and leaves only complete snapshots.</summary>
[Collection("Console")]
public class DivergenceTests
{
    static DivergenceTests() =>
        DataSources.Default.RegisterTraining("quadrants-diverge", () => (TrainingFixtures.Quadrants(64, 28, 1), null));

    [Fact]
    public void Non_finite_loss_stops_training_with_one_line_and_no_half_written_snapshot()
    {
        string dir = TrainingFixtures.TempDir();
        var error = new StringWriter();
        var saved = Console.Error;
        Console.SetError(error);
        int code;
        try
        {
            code = CliApp.Run(["train", "--model", "caffenet-mini", "--data", "quadrants-diverge", "--iterations", "40", "--batch", "8",
                "--lr", "1e6", "--threads", "2", "--snapshot-at", "1,2,3,4,5,6,7,8,9,10,20,30", "--out", dir]);
        }
        finally { Console.SetError(saved); }
        string message = error.ToString().Trim();
        Assert.Equal(2, code);
        Assert.DoesNotContain('\n', message);
        Assert.Matches(@"^layerprobe: .+: training diverged: the loss at iteration (\d+) is (NaN|\+infinity|-infinity) \(last finite loss [-0-9.E+]+ at iteration \d+\); lower the learning rate \(base_lr 1E\+06\)$", message);
        int diverged = int.Parse(System.Text.RegularExpressions.Regex.Match(message, @"iteration (\d+) is").Groups[1].Value);
        // Every snapshot before the divergence is complete (weights, solver state, manifest); none after it.
        var onnx = Directory.GetFiles(dir, "*.onnx").Select(Path.GetFileNameWithoutExtension).ToList();
        foreach (var stem in onnx)
        {
            Assert.True(int.Parse(stem!.Split('_')[^1]) < diverged, $"{stem} written at or after the diverged iteration {diverged}");
            Assert.True(File.Exists(Path.Combine(dir, stem + ".json")), $"{stem} has no manifest");
            Assert.True(File.Exists(Path.Combine(dir, stem + ".solverstate")), $"{stem} has no solver state");
        }
        Assert.Equal(Math.Min(diverged - 1, 10), onnx.Count);
        Assert.Empty(Directory.GetFiles(dir).Where(f => f.Contains(".tmp")));
    }
}
