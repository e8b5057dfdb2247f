using LayerProbe.Networks;
using LayerProbe.Reports;

namespace LayerProbe.Studies;

/// <summary>The manifest of a training study's report (evolution, finetune-effect, short-pretraining): its task, networks, layers and files.</summary>
public static class StudyManifest
{
    /// <summary>Writes <c>manifest.json</c> for a study's report.</summary>
    public static void Write(string task, string output, StudyTask study, IEnumerable<(string Name, OnnxNetwork Network)> networks,
        IReadOnlyList<string> layers, IReadOnlyList<string> files, Dictionary<string, object?>? settings = null)
    {
        var manifest = new Manifest
        {
            Task = task,
            Inputs = { ["trainval"] = $"{study.Split.TrainVal.Name} {study.Split.TrainVal.Fingerprint}", ["test"] = $"{study.Split.Test.Name} {study.Split.Test.Fingerprint}" },
            Settings = { ["layers"] = layers, ["c_grid"] = study.Settings.CGrid, ["device"] = study.Extraction.Device },
            Measurements = { ["peak_rss_mib"] = ResourceUsage.PeakRssMegabytes() },
        };
        foreach (var (name, network) in networks)
        {
            manifest.Inputs[name] = $"{network.Path} sha256:{network.Sha256}";
            manifest.Settings[$"preprocessing_{name}"] = study.Preprocessor(network).Description;
        }
        foreach (var (k, v) in settings ?? []) manifest.Settings[k] = v;
        manifest.WithOutputs(output, files).Write(Path.Combine(output, "manifest.json"));
    }

    /// <summary>
    /// Writes <c>manifest.json</c> for a study's detection report: the region items with their proposals stores, every
    /// network with its input convention, the detector and detection settings, and per network and layer the mAP, the
    /// test features' store, the detectors' file and the devkit-format detections; <paramref name="elapsed"/> is the wall time.
    /// </summary>
    public static void Write(string task, string output, DetectionStudyTask study, IEnumerable<(string Name, OnnxNetwork Network)> networks,
        IReadOnlyList<string> layers, DetectionGrid grid, IReadOnlyList<string> files, TimeSpan elapsed, Dictionary<string, object?>? settings = null)
    {
        var manifest = new Manifest
        {
            Task = task + " (detection)",
            Inputs =
            {
                ["trainval"] = $"{study.TrainVal.Name} {study.TrainVal.Fingerprint} proposals {study.TrainVal.ProposalsDirectory}",
                ["test"] = $"{study.Test.Name} {study.Test.Fingerprint} proposals {study.Test.ProposalsDirectory}",
            },
            Settings =
            {
                ["layers"] = layers, ["extracted_layer"] = layers[0], ["layers_from_head_subgraph"] = layers.Skip(1).ToArray(),
                ["device"] = study.Extraction.Device, ["store_root"] = study.StoreRoot,
                ["detector_training"] = study.Settings.Training, ["detection"] = study.Settings.Detection,
            },
            Measurements = { ["wall_seconds"] = elapsed.TotalSeconds, ["peak_rss_mib"] = ResourceUsage.PeakRssMegabytes() },
        };
        foreach (var (name, network) in networks)
        {
            manifest.Inputs[name] = $"{network.Path} sha256:{network.Sha256}";
            manifest.Settings[$"preprocessing_{name}"] = study.Preprocessor(network).Description;
        }
        manifest.Settings["per_network"] = grid.Columns.Select((name, c) => new
        {
            Network = name, Folder = grid.Folders[c],
            Layers = grid.Results[c].Select(r => new
            {
                r.Layer, r.Dimensions, Map = double.IsFinite(r.Result.Mean.ElevenPoint) ? r.Result.Mean.ElevenPoint : (double?)null,
                r.TestStore, r.DetectorFile, r.Comp4Folder, r.Result.Note,
            }).ToList(),
        }).ToList();
        foreach (var (k, v) in settings ?? []) manifest.Settings[k] = v;
        manifest.WithOutputs(output, files).Write(Path.Combine(output, "manifest.json"));
    }
}
