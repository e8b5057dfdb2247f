namespace LayerProbe.Training;

/// <summary>Which layers fine-tuning trains (docs/method.md §1.5).</summary>
public enum FineTuningMode
{
    /// <summary><c>FT</c>: every layer trains (×1/×2), the new classifier at ×10/×20.</summary>
    AllLayers,
    /// <summary><c>FC-FT</c>: conv layers frozen (lr 0), fc6/fc7 re-initialised (Gaussian 0.005, bias 1), new classifier ×10/×20.</summary>
    FcOnly,
}

/// <summary>The fine-tuning modes by their command-line and study names.</summary>
public static class FineTuningModes
{
    /// <summary><c>all</c> (<see cref="FineTuningMode.AllLayers"/>) and <c>fc-only</c> (<see cref="FineTuningMode.FcOnly"/>).</summary>
    public static IReadOnlyList<string> Names { get; } = ["all", "fc-only"];

    /// <summary>The mode named <paramref name="name"/>; other names are an error naming the <c>finetune</c> parameter.</summary>
    public static FineTuningMode Parse(string name) => name.ToLowerInvariant() switch
    {
        "all" => FineTuningMode.AllLayers,
        "fc-only" => FineTuningMode.FcOnly,
        _ => throw LayerProbeException.ForParameter("finetune", $"'{name}' is not one of {string.Join(", ", Names)}"),
    };
}
