using LayerProbe.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace LayerProbe.Tests.Training;

/// <summary>Caffe's update rule worked by hand across a learning-rate step (loss ½·w², so ∇ = w).</summary>
public class CaffeSgdTests
{
    static readonly SolverSettings Settings = new() { BaseLr = 0.1, Momentum = 0.9, WeightDecay = 0.01, Gamma = 0.1, StepSize = 1, MaxIterations = 2 };

    static (double Weight, double Bias, double Frozen) TwoSteps()
    {
        var weight = new TorchSharp.Modules.Parameter(ones(1, 1));
        var bias = new TorchSharp.Modules.Parameter(ones(1));
        var frozen = new TorchSharp.Modules.Parameter(ones(1, 1));
        var groups = new LrMultipliers().Freeze(["conv1"]).Apply(TrainingFixtures.Mini(4).Model, [("fc6.weight", weight), ("fc6.bias", bias), ("conv1.weight", frozen)]);
        using var sgd = new CaffeSgd(groups, Settings);
        for (int iteration = 0; iteration < 2; iteration++)
        {
            sgd.ZeroGrad();
            var loss = (weight.pow(2).sum() + bias.pow(2).sum() + frozen.pow(2).sum()) * 0.5;
            loss.backward();
            sgd.Step(iteration);
        }
        return (weight.item<float>(), bias.item<float>(), frozen.item<float>());
    }

    [Fact]
    public void Weights_follow_caffe_momentum_with_decay_across_a_step()
    {
        // iter 0: rate 0.1, g = 1.01, v = 0.101, w = 0.899; iter 1: rate 0.01, g = 0.90799, v = 0.0999799, w = 0.7990201
        Assert.Equal(0.7990201, TwoSteps().Weight, 6);
    }

    [Fact]
    public void Biases_get_twice_the_rate_and_no_decay()
    {
        // iter 0: v = 0.2·1 = 0.2, b = 0.8; iter 1: v = 0.9·0.2 + 0.02·0.8 = 0.196, b = 0.604
        Assert.Equal(0.604, TwoSteps().Bias, 6);
    }

    [Fact]
    public void Frozen_layers_do_not_move()
    {
        Assert.Equal(1.0, TwoSteps().Frozen, 9);
    }

    [Fact]
    public void Step_policy_learning_rate()
    {
        var s = new SolverSettings { BaseLr = 0.001, Gamma = 0.1, StepSize = 20_000 };
        Assert.Equal(0.001, s.LearningRate(19_999), 12);
        Assert.Equal(0.0001, s.LearningRate(20_000), 12);
        Assert.Equal(0.000001, s.LearningRate(69_999), 12);
    }

    [Fact]
    public void Other_caffe_lr_policies_follow_getlearningrate()
    {
        var multistep = new SolverSettings { BaseLr = 0.01, Gamma = 0.5, LrPolicy = "multistep", StepValues = [100, 300] };
        Assert.Equal(0.01, multistep.LearningRate(99), 12);
        Assert.Equal(0.005, multistep.LearningRate(100), 12);
        Assert.Equal(0.005, multistep.LearningRate(299), 12);
        Assert.Equal(0.0025, multistep.LearningRate(5000), 12);
        var poly = new SolverSettings { BaseLr = 0.02, LrPolicy = "poly", Power = 2, MaxIterations = 1000 };
        Assert.Equal(0.02, poly.LearningRate(0), 12);
        Assert.Equal(0.02 * 0.25, poly.LearningRate(500), 12);
        Assert.Equal(0.0, poly.LearningRate(1000), 12);
        var inv = new SolverSettings { BaseLr = 0.01, LrPolicy = "inv", Gamma = 1e-4, Power = 0.75 };
        Assert.Equal(0.01 * Math.Pow(1.1, -0.75), inv.LearningRate(1000), 12); // Caffe's LeNet example schedule
        Assert.Equal(0.01 * Math.Pow(0.99, 3), new SolverSettings { BaseLr = 0.01, LrPolicy = "exp", Gamma = 0.99 }.LearningRate(3), 12);
        Assert.Equal(0.01, new SolverSettings { BaseLr = 0.01, LrPolicy = "fixed", StepSize = 1 }.LearningRate(10_000), 12);
    }

    [Theory]
    [InlineData("cosine", "unknown lr_policy")]
    [InlineData("multistep", "ascending positive stepvalues")]
    public void Unknown_policies_and_unordered_stepvalues_are_refused(string policy, string message)
    {
        var s = new SolverSettings { LrPolicy = policy, StepValues = policy == "multistep" ? [300, 100] : [] };
        Assert.Contains(message, Assert.Throws<LayerProbeException>(s.Validate).Message);
    }

    [Fact]
    public void Impossible_settings_are_refused_before_training()
    {
        var e = Assert.Throws<LayerProbeException>(() => new SolverSettings { Momentum = 1.5 }.Validate());
        Assert.Contains("momentum", e.Message);
    }
}
