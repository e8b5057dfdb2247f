using LayerProbe.Features;

namespace LayerProbe.Analyses;

/// <summary>What <see cref="LayerwiseProbe.RunWithStores"/> produced: the probe results and the stores they read.</summary>
/// <param name="Results">One probe result per layer, in request order.</param>
/// <param name="TrainValStores">The trainval store of each layer, in request order.</param>
/// <param name="TestStores">The test store of each layer, in request order.</param>
public sealed record LayerwiseProbeRun(IReadOnlyList<LayerProbeResult> Results, IReadOnlyList<LayerStore> TrainValStores,
    IReadOnlyList<LayerStore> TestStores)
{
    /// <summary>Index of <paramref name="layer"/> in request order; an unknown layer is an error.</summary>
    public int IndexOf(string layer)
    {
        for (int i = 0; i < Results.Count; i++) if (Results[i].Layer == layer) return i;
        throw new LayerProbeException($"layer '{layer}' was not probed (probed: {string.Join(", ", Results.Select(r => r.Layer))})");
    }
}
