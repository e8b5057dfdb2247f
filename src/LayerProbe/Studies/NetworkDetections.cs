using LayerProbe.Detection;
using LayerProbe.Networks;
using LayerProbe.Reports;

namespace LayerProbe.Studies;

/// <summary>Detection mAP (%, VOC 11-point) per layer: one row per layer, one column per network.</summary>
/// <param name="Layers">Rows, as the user named them.</param>
/// <param name="Columns">Network names.</param>
/// <param name="Results">Full detection results, <c>Results[column][row]</c>.</param>
/// <param name="Folders">Each network's report sub-folder (relative to the report), in column order.</param>
public sealed record DetectionGrid(IReadOnlyList<string> Layers, IReadOnlyList<string> Columns,
    IReadOnlyList<IReadOnlyList<LayerDetection>> Results, IReadOnlyList<string> Folders)
{
    /// <summary>mAP (%) of <paramref name="layer"/> (row index) in <paramref name="column"/>; NaN when no class could be scored.</summary>
    public double Map(int layer, int column) => 100 * Results[column][layer].Result.Mean.ElevenPoint;

    /// <summary>
    /// Per-class AP of every (layer, network) pair, in the shape of the paper's Table 3: per layer one row per network,
    /// labelled by <paramref name="label"/>(layer, column), columns in <paramref name="order"/>.
    /// </summary>
    public ResultTable PerClass(string title, Func<string, int, string> label, IReadOnlyList<int> order) =>
        DetectionReport.ApTable(title, [.. Layers.SelectMany((layer, l) => order.Select(c => Results[c][l] with { Layer = label(layer, c) }))]);
}

/// <summary>
/// R-CNN detection with the same layers of several networks on one <see cref="DetectionStudyTask"/>
/// (<see cref="RcnnDetectionTask.Run"/> per network): every network is checked for every layer first, then each one's
/// detections, per-class tables, PR curves and pictures go to its own report sub-folder (<see cref="DetectionReport"/>).
/// </summary>
public static class NetworkDetections
{
    /// <summary>Detects with every network (in order); <paramref name="networks"/> name them and their sub-folders of <paramref name="report"/>.</summary>
    public static (DetectionGrid Grid, IReadOnlyList<string> Files) Run(IReadOnlyList<(string Name, string Folder, OnnxNetwork Network)> networks,
        IReadOnlyList<string> layers, DetectionStudyTask task, string report)
    {
        NetworkProbes.CheckLayers(networks.Select(n => n.Network), layers);
        var log = task.Log ?? Console.Error;
        var results = new List<IReadOnlyList<LayerDetection>>();
        var files = new List<string>();
        foreach (var (name, folder, source) in networks)
        {
            log.WriteLine($"study: detecting with {name} ({Path.GetFileName(source.Path)})");
            var network = task.Network(source);
            string directory = Path.Combine(report, folder);
            var detections = RcnnDetectionTask.Run(network, task.Preprocessor(source), task.TrainVal, task.Test, layers, task.StoreRoot, directory,
                task.Settings, task.Extraction, log);
            results.Add(detections);
            var (_, written) = DetectionReport.Write(directory, "detection", $"Detection AP (%) per layer of {name} ({Path.GetFileName(source.Path)}) on {task.Test.Name}",
                detections, task.Test);
            files.AddRange(written.Select(f => Path.Combine(folder, f)));
        }
        return (new DetectionGrid(layers, [.. networks.Select(n => n.Name)], results, [.. networks.Select(n => n.Folder)]), files);
    }
}
