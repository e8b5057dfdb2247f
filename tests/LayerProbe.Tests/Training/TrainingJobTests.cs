using System.Security.Cryptography;
using System.Text.Json;
using LayerProbe.Data;
using LayerProbe.Networks;
using LayerProbe.Training;

namespace LayerProbe.Tests.Training;

/// <summary>The training use case (issue 15 rough edges): its warnings, its manifests and its log interval.</summary>
[Collection("Console")]
public class TrainingJobTests
{
    static TrainingJobTests()
    {
        var quadrants = TrainingFixtures.Quadrants(32, 28, 1, classes: 4);
        var labels = new long[quadrants.Count];
        var items = new float[quadrants.Count * 28 * 28];
        quadrants.Fill([.. Enumerable.Range(0, quadrants.Count)], items, labels);
        // a 20-way task whose data only has items of 5 classes
        DataSources.Default.RegisterTraining("five-of-twenty", () =>
            (new InMemoryTrainingSource("five-of-twenty", items, [.. Enumerable.Range(0, labels.Length).Select(i => i % 5)], [1, 28, 28], 20), null));
        DataSources.Default.RegisterTraining("quadrants-job", () => (quadrants, null));
    }

    static TrainingJobSettings Job(string model, string data, int iterations, string output, StringWriter log) => new()
    {
        Model = model, Data = data, Solver = new SolverSettings { BaseLr = 0.001, LrPolicy = "fixed", MaxIterations = iterations },
        Options = new TrainerOptions { BatchSize = 8, Threads = 2, OutputDirectory = output, Log = log },
    };

    [Fact]
    public void A_task_with_classes_that_have_no_items_is_warned_about_by_name()
    {
        var log = new StringWriter();
        TrainingJob.Run(Job(TrainingJobSettings.CaffeNetMini, "five-of-twenty", 1, TrainingFixtures.TempDir(), log));
        var warning = Assert.Single(log.ToString().Split('\n'), l => l.StartsWith("warning:"));
        Assert.Contains("15 of 20 classes have no training items (5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19)", warning);
        var quiet = new StringWriter();
        TrainingJob.Run(Job(TrainingJobSettings.CaffeNetMini, "quadrants-job", 1, TrainingFixtures.TempDir(), quiet));
        Assert.DoesNotContain("warning:", quiet.ToString());
    }

    [Fact]
    public void A_fine_tuned_snapshot_names_the_input_files_sha256_and_only_the_policys_parameters()
    {
        string dir = TrainingFixtures.TempDir(), model = Path.Combine(dir, "parent.onnx");
        CaffeNet.Write(CaffeNetSpec.Mini(28, 1, 8, 64, 10, 5), model);
        var output = Path.Combine(dir, "out");
        TrainingJob.Run(Job(model, "quadrants-job", 2, output, new StringWriter()) with { FineTune = FineTuningMode.AllLayers });
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "snapshot_iter_2.json")));
        string parent = json.RootElement.GetProperty("inputs").GetProperty("parent_network").GetString()!;
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(model))), parent);
        var settings = json.RootElement.GetProperty("settings");
        Assert.Equal("fixed", settings.GetProperty("lr_policy").GetString());
        foreach (var key in new[] { "stepsize", "gamma", "stepvalue", "power" }) Assert.False(settings.TryGetProperty(key, out _), key);
    }

    [Fact]
    public void Train_without_step_records_no_stepsize_and_display_sets_the_log_interval()
    {
        string dir = TrainingFixtures.TempDir();
        Assert.Equal(0, LayerProbe.Cli.CliApp.Run(["train", "--model", "caffenet-mini", "--data", "quadrants-job", "--iterations", "10", "--batch", "8",
            "--threads", "2", "--display", "5", "--out", dir]));
        var iterations = File.ReadAllLines(Path.Combine(dir, "train_log.csv")).Skip(1).Select(l => int.Parse(l.Split(',')[0])).ToList();
        Assert.Equal([5, 10], iterations);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "snapshot_iter_10.json")));
        Assert.False(json.RootElement.GetProperty("settings").TryGetProperty("stepsize", out _));
        string stepped = TrainingFixtures.TempDir();
        Assert.Equal(0, LayerProbe.Cli.CliApp.Run(["train", "--model", "caffenet-mini", "--data", "quadrants-job", "--iterations", "4", "--batch", "8",
            "--threads", "2", "--step", "2", "--out", stepped]));
        using var steppedJson = JsonDocument.Parse(File.ReadAllText(Path.Combine(stepped, "snapshot_iter_4.json")));
        Assert.Equal(2, steppedJson.RootElement.GetProperty("settings").GetProperty("stepsize").GetInt32());
    }
}
