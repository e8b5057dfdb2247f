using LayerProbe.Training;

namespace LayerProbe.Tests.Training;

/// <summary>Bad set-ups fail before the first iteration with one line naming the problem.</summary>
public class TrainingValidationTests
{
    static readonly InMemoryTrainingSource Source = TrainingFixtures.Quadrants(20, 28, 1);
    static readonly SolverSettings Solver = new() { BaseLr = 0.01, MaxIterations = 100 };

    static string Error(SolverSettings? solver = null, TrainerOptions? options = null, LrMultipliers? multipliers = null,
        ITrainingSource? source = null, int classes = 4)
    {
        var e = Assert.Throws<LayerProbeException>(() => new Trainer(TrainingFixtures.Mini(classes), source ?? Source, solver ?? Solver,
            multipliers ?? new LrMultipliers(), options ?? new TrainerOptions { Log = TextWriter.Null }));
        Assert.DoesNotContain('\n', e.Message);
        return e.Message;
    }

    [Theory]
    [InlineData(0)]
    [InlineData(101)]
    [InlineData(-5)]
    public void Snapshot_outside_one_to_max_iter(int snapshot) =>
        Assert.Contains($"snapshot iteration {snapshot} is outside 1…100", Error(options: new TrainerOptions { Snapshots = [50, snapshot] }));

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Batch_size_not_positive(int batch) =>
        Assert.Contains("batch size must be > 0", Error(options: new TrainerOptions { BatchSize = batch }));

    [Fact]
    public void Unknown_layer_in_multipliers_lists_the_valid_names()
    {
        string message = Error(multipliers: new LrMultipliers().Freeze(["conv1", "conv9"]).Layer("fc9", 10, 20));
        Assert.Contains("conv9, fc9", message);
        Assert.Contains("conv1, conv2, conv3, conv4, conv5, fc6, fc7, fc8", message);
    }

    [Fact]
    public void Class_count_mismatch_between_data_and_fc8() =>
        Assert.Contains("fc8 has 10 outputs but quadrants has 4 classes", Error(classes: 10));

    [Fact]
    public void Class_count_mismatch_is_fixed_by_replacing_the_classifier()
    {
        var network = TrainingFixtures.Mini(10);
        var (model, multipliers) = FineTuning.Prepare(network.Model, 4, FineTuningMode.AllLayers, seed: 1);
        var tuned = LayerProbe.Networks.OnnxNetwork.FromBytes(Google.Protobuf.MessageExtensions.ToByteArray(model), "tuned");
        using var trainer = new Trainer(tuned, Source, Solver, multipliers, new TrainerOptions { Log = TextWriter.Null });
        Assert.Equal(0, trainer.Iteration);
    }

    [Fact]
    public void Crop_larger_than_the_items() =>
        Assert.Contains("crop 32 is larger than the 28x28 items", Error(options: new TrainerOptions { Augmentation = new Augmentation(32) }));

    [Fact]
    public void Items_that_do_not_fit_the_network_input() =>
        Assert.Contains("training items arrive as [1,24,24]", Error(options: new TrainerOptions { Augmentation = new Augmentation(24) }));

    [Fact]
    public void Impossible_solver() =>
        Assert.Contains("base_lr must be > 0", Error(solver: Solver with { BaseLr = 0 }));
}
