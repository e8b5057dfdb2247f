using LayerProbe.Training;

namespace LayerProbe.Cli;

/// <summary>
/// Named training data for <c>layerprobe train --data NAME</c>: a (train, held-out) pair of sources.
/// <c>fashion-mnist</c>: the 60,000 training images, held-out accuracy on the first 2,000 test images, pixels minus
/// the mean pixel and scaled by 1/80 (about unit variance, so the Caffe fillers train at lr 0.01).
/// <c>fashion-mnist:CLASSES</c> (e.g. <c>fashion-mnist:5-9</c> or <c>fashion-mnist:0,2,4</c>): only those classes,
/// relabelled 0 … k−1, held-out on all their test images — a task with its own label set for fine-tuning.
/// Tests add sources through <see cref="Register"/>.
/// </summary>
public static class TrainingDataSources
{
    static readonly Dictionary<string, Func<(ITrainingSource Train, ITrainingSource? Test)>> Sources = new(StringComparer.OrdinalIgnoreCase)
    {
        ["fashion-mnist"] = () => (FashionMnistTrainingSource.Load("train", scale: InputScale),
                                   FashionMnistTrainingSource.Load("t10k", limit: 2000, scale: InputScale)),
    };

    /// <summary>Input scale of the built-in Fashion-MNIST source.</summary>
    public const float InputScale = FashionMnistTrainingSource.UnitScale;

    /// <summary>Makes <paramref name="name"/> available to the CLI.</summary>
    public static void Register(string name, Func<(ITrainingSource Train, ITrainingSource? Test)> open) => Sources[name] = open;

    /// <summary>Opens the named data; unknown or unwired names are a one-line error.</summary>
    public static (ITrainingSource Train, ITrainingSource? Test) Open(string name)
    {
        if (Sources.TryGetValue(name, out var open)) return open();
        if (name.StartsWith("fashion-mnist:", StringComparison.OrdinalIgnoreCase))
        {
            var classes = ClassList.Parse(name["fashion-mnist:".Length..], "--data");
            return (FashionMnistTrainingSource.Load("train", classes, 0, 0, InputScale), FashionMnistTrainingSource.Load("t10k", classes, 0, 0, InputScale));
        }
        throw new LayerProbeException($"train: unknown data source '{name}' (known: {string.Join(", ", Sources.Keys)}, fashion-mnist:CLASSES)");
    }
}
