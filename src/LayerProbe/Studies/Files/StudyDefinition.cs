using LayerProbe.Analyses;
using LayerProbe.Features;
using LayerProbe.Networks;
using LayerProbe.Probes;

namespace LayerProbe.Studies.Files;

/// <summary>
/// A study file read and checked: the top-level keys <c>name</c>, <c>title</c>, <c>description</c>, <c>output</c>,
/// <c>networks</c>, <c>data</c>, <c>layers</c>, <c>features</c>, <c>probe</c> and <c>steps</c>. Every key is read
/// once, typed, with its default recorded (<see cref="Effective"/>); a key nobody reads is refused.
/// </summary>
sealed record StudyDefinition(string Name, string Title, string? Description, string Output, IReadOnlyList<StudyNetwork> Networks,
    IReadOnlyList<StudyData> Data, IReadOnlyList<string> Layers, ExtractionOptions Extraction, ProbeSettings Probe,
    IReadOnlyList<StudyStep> Steps, IReadOnlyDictionary<string, object?> Effective)
{
    public static StudyDefinition Read(StudyYaml yaml)
    {
        var varsNode = new StudyNode(yaml, yaml.Root, "").Map("vars");
        var vars = varsNode.Keys.ToDictionary(k => k, k => varsNode.String(k) ?? "");
        var root = new StudyNode(yaml, yaml.Root, "", vars);
        root.Map("vars");   // read above; recorded so that the manifest keeps it
        foreach (var (k, v) in vars) ((Dictionary<string, object?>)root.Effective["vars"]!)[k] = v;
        string name = root.RequiredString("name");
        string title = root.String("title", $"LayerProbe study {name}")!;
        string? description = root.String("description");
        string output = root.String("output", Path.Combine("out", name))!;

        var networks = root.Entries("networks").Select(e => StudyNetwork.Read(e.Name, e.Node)).ToList();
        if (networks.Count == 0) throw root.Problem("networks", "needs at least one network (networks: NAME: {model: FILE.onnx})");
        var data = root.Entries("data").Select(e => StudyData.Read(e.Name, e.Node)).ToList();
        if (data.Count == 0) throw root.Problem("data", "needs at least one probe task (data: NAME: {trainval: SPEC, test: SPEC})");
        var layers = root.Names("layers") ?? throw root.Problem("layers", "is required (the layers the layer-wise steps probe)");

        var features = root.Map("features");
        var extraction = new ExtractionOptions
        {
            DType = features.Bool("float16") ? FeatureDType.Float16 : FeatureDType.Float32,
            Device = StudyPlace.Guard(features.Where, "features.device", () => ExecutionDevice.Parse(features.String("device", "cpu")!, "device")),
        };
        features.Finish();

        var probeNode = root.Map("probe");
        var probe = ProbeSettings.For(probeNode.Choice("solver", "dual-cd", ProbeSettings.Solvers));
        probe = probe with { CGrid = probeNode.Numbers("c", CSelection.RcnnGrid)! };
        probeNode.Finish();

        var context = new StepContext(networks.Select(n => n.Name).ToList(), data.Select(d => d.Name).ToList(), layers);
        var steps = new List<StudyStep>();
        foreach (var (kind, settings) in root.NamedList("steps"))
        {
            var step = StudySteps.Read(kind, settings, context, steps);
            settings.Finish();
            steps.Add(step);
        }
        if (steps.Count == 0) throw root.Problem("steps", "needs at least one step (e.g. - layerwise)");
        var folders = steps.Where(s => !s.Skip && s.Folder is not null).GroupBy(s => s.Folder).FirstOrDefault(g => g.Count() > 1);
        if (folders is not null) throw root.Problem("steps", $"two steps write the folder '{folders.Key}'; give one of them folder: NAME");
        root.Finish();
        return new StudyDefinition(name, title, description, output, networks, data, layers, extraction, probe, steps, root.Effective);
    }
}
