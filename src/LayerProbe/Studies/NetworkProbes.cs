using LayerProbe.Analyses;
using LayerProbe.Networks;

namespace LayerProbe.Studies;

/// <summary>
/// Probes the same layers of several networks on one <see cref="StudyTask"/>. Every network is checked for every layer
/// before anything is extracted, so a snapshot that lacks a layer is one clear line, not an error after an hour.
/// </summary>
public static class NetworkProbes
{
    /// <summary>Throws "path: unknown layer …" for the first network lacking one of <paramref name="layers"/>.</summary>
    public static void CheckLayers(IEnumerable<OnnxNetwork> networks, IReadOnlyList<string> layers)
    {
        if (layers.Count == 0) throw new LayerProbeException("study: no layers to probe");
        foreach (var network in networks)
            foreach (var layer in layers) network.ResolveLayer(layer);
    }

    /// <summary>Runs the layer-wise probes of every network (in order) and collects them as a grid.</summary>
    public static LayerGrid Run(IReadOnlyList<(string Name, OnnxNetwork Network)> networks, IReadOnlyList<string> layers, StudyTask task)
    {
        CheckLayers(networks.Select(n => n.Network), layers);
        task.Split.Validate();
        var log = task.Log ?? Console.Error;
        var results = new List<IReadOnlyList<LayerProbeResult>>();
        foreach (var (name, network) in networks)
        {
            log.WriteLine($"study: probing {name} ({Path.GetFileName(network.Path)})");
            results.Add(LayerwiseProbe.Run(network, task.Preprocessor(network), task.Split, layers, task.StoreRoot, task.Settings,
                task.Extraction, log));
        }
        return new LayerGrid(layers, networks.Select(n => n.Name).ToList(), results);
    }
}
