using LayerProbe.Training;

namespace LayerProbe.Cli;

/// <summary>
/// Named training data for <c>layerprobe train --data NAME</c>: a (train, held-out) pair of sources.
/// WIRING PENDING: the Fashion-MNIST and VOC readers are built on the data branch; register them here
/// (e.g. <c>["fashion-mnist"] = () =&gt; (FashionMnist.Train(), FashionMnist.Test())</c>) when it merges.
/// Until then every name is "not available yet"; tests register a source through <see cref="Register"/>.
/// </summary>
public static class TrainingDataSources
{
    static readonly Dictionary<string, Func<(ITrainingSource Train, ITrainingSource? Test)>> Sources = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Names the CLI will know once their readers are wired.</summary>
    public static readonly string[] Planned = ["fashion-mnist"];

    /// <summary>Makes <paramref name="name"/> available to the CLI.</summary>
    public static void Register(string name, Func<(ITrainingSource Train, ITrainingSource? Test)> open) => Sources[name] = open;

    /// <summary>Opens the named data; unknown or unwired names are a one-line error.</summary>
    public static (ITrainingSource Train, ITrainingSource? Test) Open(string name)
    {
        if (Sources.TryGetValue(name, out var open)) return open();
        if (Planned.Contains(name, StringComparer.OrdinalIgnoreCase))
            throw new LayerProbeException($"train: data source '{name}' not available yet (its reader is not wired into the CLI)");
        throw new LayerProbeException($"train: unknown data source '{name}' (known: {string.Join(", ", Sources.Keys.Concat(Planned).Distinct())})");
    }
}
