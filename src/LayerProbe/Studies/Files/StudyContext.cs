using LayerProbe.Analyses;
using LayerProbe.Data;
using LayerProbe.Networks;

namespace LayerProbe.Studies.Files;

/// <summary>
/// What the steps of one run share: the study, where features and the report go, each network loaded once, each
/// (data, network) pair resolved once, and the layer-wise runs whose stores later steps read.
/// </summary>
sealed class StudyContext(StudyDefinition study, TextWriter log)
{
    readonly Dictionary<string, (OnnxNetwork Source, OnnxNetwork Adapted)> _networks = [];
    readonly Dictionary<(string, string), (ProbeSplit Split, IPreprocessor Preprocessor)> _splits = [];
    readonly Dictionary<(string, string), LayerwiseProbeRun> _layerwise = [];

    public StudyDefinition Study { get; } = study;
    /// <summary>The report folder (set once the output folder is prepared).</summary>
    public string Report { get; set; } = "";
    /// <summary>The feature store root.</summary>
    public string FeatureRoot { get; set; } = "";
    public TextWriter Log { get; } = log;
    /// <summary>mAP per layer of every layer-wise step (<c>folder/layer</c>).</summary>
    public Dictionary<string, double> MeanAp { get; } = [];
    /// <summary>Inputs of the manifest (network files and data fingerprints).</summary>
    public Dictionary<string, string> Inputs { get; } = [];
    /// <summary>Settings the manifest records beside the study (preprocessing, per-layer probe training).</summary>
    public Dictionary<string, object?> Settings { get; } = [];

    public StudyNetwork NetworkEntry(string name) => Study.Networks.First(n => n.Name == name);

    /// <summary>The network as loaded and as fed (adapted input).</summary>
    public (OnnxNetwork Source, OnnxNetwork Adapted) Network(string name)
    {
        if (_networks.TryGetValue(name, out var loaded)) return loaded;
        loaded = NetworkEntry(name).Load();
        _networks[name] = loaded;
        Inputs[Key("network", name, Study.Networks[0].Name)] = $"{loaded.Source.Path} sha256:{loaded.Source.Sha256}";
        return loaded;
    }

    /// <summary>The probe task's split and the preprocessor that feeds it to the network.</summary>
    public (ProbeSplit Split, IPreprocessor Preprocessor) Split(string data, string network)
    {
        if (_splits.TryGetValue((data, network), out var resolved)) return resolved;
        var entry = Study.Data.First(d => d.Name == data);
        resolved = entry.Resolve(Network(network).Adapted, NetworkEntry(network).Preprocessing);
        _splits[(data, network)] = resolved;
        string suffix = data == Study.Data[0].Name ? "" : $".{data}";
        Inputs[$"trainval{suffix}"] = $"{resolved.Split.TrainVal.Name} {resolved.Split.TrainVal.Fingerprint}";
        Inputs[$"test{suffix}"] = $"{resolved.Split.Test.Name} {resolved.Split.Test.Fingerprint}";
        return resolved;
    }

    public void AddLayerwise(string data, string network, LayerwiseProbeRun run) => _layerwise[(data, network)] = run;

    /// <summary>What an analysis step works from: the stores and results of the layer-wise step on its data and network.</summary>
    public DemoSectionInputs SectionInputs(StudyStep step) =>
        new(Report, FeatureRoot, Split(step.Data, step.Network).Split, _layerwise[(step.Data, step.Network)], Study.Probe, Log)
        {
            ModelName = NetworkEntry(step.Network).Title,
            NetworkLabel = Path.GetFileNameWithoutExtension(NetworkEntry(step.Network).Model),
        };

    static string Key(string what, string name, string first) => name == first ? what : $"{what}.{name}";
}
