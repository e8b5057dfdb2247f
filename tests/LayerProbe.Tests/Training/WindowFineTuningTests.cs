using Google.Protobuf;
using LayerProbe.Cli;
using LayerProbe.Networks;
using LayerProbe.Training;

namespace LayerProbe.Tests.Training;

/// <summary>Fine-tuning CaffeNet-mini on VOC windows through the trainer and through <c>layerprobe train</c>.</summary>
[Collection("Console")]
public class WindowFineTuningTests
{
    static Dictionary<string, byte[]> FineTune(VocWindows windows)
    {
        var mini = CaffeNet.Build(CaffeNetSpec.Mini(32, 3, 8, 64, 10, 3));
        var (model, multipliers) = FineTuning.Prepare(mini, windows.Classes, FineTuningMode.AllLayers, 3);
        var options = new TrainerOptions { BatchSize = 8, Seed = 4, Threads = 1, Log = TextWriter.Null };
        var solver = new SolverSettings { BaseLr = 0.001, StepSize = 20000, MaxIterations = 3 };
        using var trainer = new Trainer(OnnxNetwork.FromBytes(model.ToByteArray(), "mini"), windows, solver, multipliers, options);
        trainer.Run();
        Assert.Equal(3, trainer.Iteration);
        Assert.True(double.IsFinite(trainer.Log.Rows[^1].Loss));
        return TrainingFixtures.Bytes(trainer.Network);
    }

    [Fact]
    public void Three_iterations_on_windows_run_and_repeat_bit_for_bit()
    {
        using var devkit = new WindowDevkit();
        var first = FineTune(devkit.Windows(WindowRule.Rcnn));
        var second = FineTune(devkit.Windows(WindowRule.Rcnn));
        Assert.Equal(first.Keys, second.Keys);
        Assert.All(first, p => Assert.Equal(p.Value, second[p.Key]));
    }

    [Fact]
    public void Train_cli_fine_tunes_on_voc_windows_and_names_missing_or_misplaced_proposals()
    {
        using var devkit = new WindowDevkit();
        string dir = TrainingFixtures.TempDir();
        string data = $"voc2007-windows:{devkit.Dir.Path}:trainval";
        Assert.Equal(0, CliApp.Run(["train", "--model", "caffenet-mini", "--data", data, "--proposals", devkit.Store(), "--fg-rule", "gt",
            "--window-size", "32", "--context-pad", "4", "--iterations", "2", "--batch", "8", "--threads", "1", "--out", dir]));
        Assert.Equal(21, LayerTable.Read(OnnxNetwork.Load(Path.Combine(dir, "snapshot_iter_2.onnx"))).Single(r => r.Alias == "fc8").Shape[0]);
        Directory.Delete(dir, true);

        var error = new StringWriter();
        var saved = Console.Error;
        Console.SetError(error);
        try
        {
            Assert.Equal(2, CliApp.Run(["train", "--model", "caffenet-mini", "--data", data, "--iterations", "2", "--out", dir]));
            Assert.Equal(2, CliApp.Run(["train", "--model", "caffenet-mini", "--data", "fashion-mnist", "--proposals", devkit.Store(),
                "--iterations", "2", "--out", dir]));
        }
        finally { Console.SetError(saved); }
        var lines = error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.Contains("needs --proposals STORE (a proposals store folder from 'layerprobe proposals')", lines[0]);
        Assert.Contains("--proposals: applies to voc2007-windows:DEVKIT:SPLIT data only", lines[1]);
    }
}
