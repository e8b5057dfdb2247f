using LayerProbe.Analyses;
using LayerProbe.Data;
using LayerProbe.Studies;
using LayerProbe.Tests.Training;
using LayerProbe.Training;

namespace LayerProbe.Tests.Studies;

/// <summary>
/// A tiny real training run for the study tests: a grey CaffeNet-mini (fc 64) trained 6 iterations on 120 Fashion-MNIST
/// images of classes 0–3 with snapshots at 2, 4 and 6, and a probe task on classes 5–9 (6 trainval / 4 test images per class).
/// </summary>
static class StudyFixtures
{
    public const float Scale = FashionMnistTrainingSource.UnitScale;
    public static readonly string[] Layers = ["pool1", "relu3", "pool5", "relu7"];

    static readonly Lazy<string> SharedRun = new(() => TrainRun(TrainingFixtures.TempDir()));

    /// <summary>The shared snapshot folder (trained once per test process; treat as read-only).</summary>
    public static string RunFolder => SharedRun.Value;

    public static string TrainRun(string directory, int classes = 4)
    {
        var data = FashionMnistTrainingSource.Load("train", Enumerable.Range(0, classes).ToList(), 30, 1, Scale);
        using var trainer = new Trainer(TrainingFixtures.Mini(classes: classes, seed: 3, size: 28, channels: 1), data,
            new SolverSettings { BaseLr = 0.01, MaxIterations = 6 }, new LrMultipliers(),
            new TrainerOptions { BatchSize = 16, Seed = 1, Snapshots = [2, 4, 6], OutputDirectory = directory, Log = TextWriter.Null, Threads = 1 });
        trainer.Run();
        return directory;
    }

    public static StudyTask Task(string root, TextWriter? log = null)
    {
        var train = FashionMnist.Load("train");
        var test = FashionMnist.Load("test");
        int[] classes = [5, 6, 7, 8, 9];
        var trainVal = new ClassSubsetItems(new FashionMnistItems(train, StratifiedSubset.Select(train.Labels, 10, 6, 1)), classes);
        var testItems = new ClassSubsetItems(new FashionMnistItems(test, StratifiedSubset.Select(test.Labels, 10, 4, 1)), classes);
        return new StudyTask(ProbeSplit.HalvesPerClass(trainVal, testItems), StudyTask.DefaultPreprocessor,
            new ProbeSettings { CGrid = [1e-3, 1e-1] }, Path.Combine(root, "features")) { Log = log ?? TextWriter.Null };
    }

    /// <summary>The fine-tuning recipe of the tests: 3 iterations of 8 on 10 images per class of classes 5–9.</summary>
    public static FineTuneRecipe Recipe() => new(
        FashionMnistTrainingSource.Load("train", [5, 6, 7, 8, 9], 10, 1, Scale), FashionMnistTrainingSource.Load("t10k", [5, 6, 7, 8, 9], 4, 1, Scale),
        new SolverSettings { BaseLr = 0.002, MaxIterations = 3 }, new TrainerOptions { BatchSize = 8, Seed = 1, Log = TextWriter.Null, Threads = 1 });
}
