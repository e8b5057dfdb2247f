using LayerProbe.Training;

namespace LayerProbe.Cli;

/// <summary>
/// Named training data for <c>layerprobe train --data NAME</c>: a (train, held-out) pair of sources.
/// <c>fashion-mnist</c>: the 60,000 training images, held-out accuracy on the first 2,000 test images, pixels minus
/// the mean pixel and scaled by 1/80 (about unit variance, so the Caffe fillers train at lr 0.01).
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
    public const float InputScale = 1f / 80;

    /// <summary>Makes <paramref name="name"/> available to the CLI.</summary>
    public static void Register(string name, Func<(ITrainingSource Train, ITrainingSource? Test)> open) => Sources[name] = open;

    /// <summary>Opens the named data; unknown or unwired names are a one-line error.</summary>
    public static (ITrainingSource Train, ITrainingSource? Test) Open(string name)
    {
        if (Sources.TryGetValue(name, out var open)) return open();
        throw new LayerProbeException($"train: unknown data source '{name}' (known: {string.Join(", ", Sources.Keys)})");
    }
}
