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
}
