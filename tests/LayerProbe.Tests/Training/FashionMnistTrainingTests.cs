using LayerProbe.Networks;
using LayerProbe.Training;
using Google.Protobuf;
using Xunit.Abstractions;

namespace LayerProbe.Tests.Training;

/// <summary>On real Fashion-MNIST, a short CaffeNet-mini run (300 iterations, batch 64) lowers the loss and reaches ≥ 70 % held-out top-1.</summary>
public class FashionMnistTrainingTests(ITestOutputHelper log)
{
    [Fact]
    public void Caffenet_mini_learns_fashion_mnist_in_300_iterations()
    {
        Assert.True(File.Exists(Path.Combine(LayerProbe.Data.FashionMnist.DefaultFolder, "train-images-idx3-ubyte.gz")), "Fashion-MNIST not found (Debian dataset-fashion-mnist)");
        // Pixels mean-subtracted and scaled to about unit variance; He init (the paper's 0.01 Gaussians plateau at ln 10
        // for far longer than a unit test may run).
        var train = FashionMnistTrainingSource.Load("train", scale: 0.0125f);
        var test = FashionMnistTrainingSource.Load("t10k", limit: 2000, scale: 0.0125f);
        var model = HeInit.Apply(CaffeNet.Build(CaffeNetSpec.Mini(28, 1, 8, 128, 10, seed: 0)), seed: 100);
        var network = OnnxNetwork.FromBytes(model.ToByteArray(), "caffenet-mini");
        var writer = new StringWriter();
        using var trainer = new Trainer(network, train, new SolverSettings { BaseLr = 0.02, StepSize = 100_000, MaxIterations = 300 },
            new LrMultipliers(), new TrainerOptions { BatchSize = 64, Seed = 0, LogInterval = 10, TestSource = test, TestInterval = 100, Log = writer });
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var rows = trainer.Run().Rows;
        log.WriteLine(writer.ToString());
        log.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s");

        Assert.True(rows[^1].SmoothedLoss < 0.6 * Math.Log(10), $"smoothed loss {rows[^1].SmoothedLoss:F3} did not fall well below ln 10");
        Assert.True(rows[^1].SmoothedLoss < rows[0].SmoothedLoss);
        var accuracy = rows.Where(r => r.TestAccuracy is not null).Select(r => r.TestAccuracy!.Value).ToList();
        Assert.True(accuracy[^1] >= 0.70, $"held-out top-1 {accuracy[^1]:P1} < 70 %");
        Assert.True(accuracy[^1] > accuracy[0] || accuracy[0] >= 0.70);
    }
}
