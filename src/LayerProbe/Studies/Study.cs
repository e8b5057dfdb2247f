using LayerProbe.Studies.Files;
using YamlDotNet.RepresentationModel;

namespace LayerProbe.Studies;

/// <summary>
/// One experiment written as a file: its data (probe tasks), networks and input conventions, layers, probe settings,
/// and the analyses (steps) in the order they run, with the output folder. The same schema is kept as
/// <c>settings.study</c> in every study's <c>manifest.json</c>, so a run can be repeated from its manifest.
/// <code>
/// var study = Study.Load("studies/demo.yaml", ["data.fashion-mnist.trainval=fashion-mnist:train:10:1"]);
/// StudyResult result = study.Run();
/// </code>
/// Every problem with the file — unknown keys, wrong types, files that do not exist, a data specification that does
/// not resolve — is a <see cref="LayerProbeException"/> whose one-line message names the file, the line and the key.
/// </summary>
public sealed class Study
{
    /// <summary>The studies shipped inside the tool, by name (<c>demo</c>, <c>voc2007-paper</c>).</summary>
    public static IReadOnlyList<string> Shipped { get; } = ["demo", "voc2007-paper"];

    internal Study(string source, StudyDefinition definition) => (Source, Definition) = (source, definition);

    /// <summary>Where the study was read from (a file, a manifest or a shipped study).</summary>
    public string Source { get; }
    /// <summary>The study's name.</summary>
    public string Name => Definition.Name;
    /// <summary>The folder the run writes: <c>features/</c> (the stores) and <c>report/</c>.</summary>
    public string OutputDirectory => Definition.Output;
    /// <summary>The names of the steps, in the order they run (skipped ones left out).</summary>
    public IReadOnlyList<string> Steps => Definition.Steps.Where(s => !s.Skip).Select(s => s.Kind).ToList();
    /// <summary>Every setting as it will run, defaults filled in (what the manifest records as <c>settings.study</c>).</summary>
    public IReadOnlyDictionary<string, object?> Settings => Definition.Effective;

    internal StudyDefinition Definition { get; }

    /// <summary>Reads a study file; <paramref name="overrides"/> are <c>key.path=value</c> settings applied first (as <c>--set</c>).</summary>
    public static Study Load(string path, IEnumerable<string>? overrides = null) => Read(StudyYaml.Load(path), overrides);

    /// <summary>Reads a study from YAML (or JSON) text; <paramref name="source"/> names it in messages.</summary>
    public static Study Parse(string text, string source, IEnumerable<string>? overrides = null) => Read(StudyYaml.Parse(text, source), overrides);

    /// <summary>A study shipped inside the tool (<see cref="Shipped"/>).</summary>
    public static Study LoadShipped(string name, IEnumerable<string>? overrides = null)
    {
        using var stream = typeof(Study).Assembly.GetManifestResourceStream($"LayerProbe.studies.{name}.yaml")
            ?? throw LayerProbeException.For(name, $"no shipped study of that name (shipped: {string.Join(", ", Shipped)})");
        return Parse(new StreamReader(stream).ReadToEnd(), $"{name}.yaml (shipped)", overrides);
    }

    /// <summary>
    /// The study recorded in a run's <c>manifest.json</c> (<c>settings.study</c>), to run it again as it ran;
    /// <paramref name="overrides"/> change it first (e.g. <c>output=DIR</c>).
    /// </summary>
    public static Study FromManifest(string manifestPath, IEnumerable<string>? overrides = null)
    {
        var manifest = StudyYaml.Load(manifestPath);
        var settings = manifest.Root.Children.TryGetValue(new YamlScalarNode("settings"), out var s) ? s as YamlMappingNode : null;
        var study = settings is not null && settings.Children.TryGetValue(new YamlScalarNode("study"), out var node) ? node as YamlMappingNode : null;
        if (study is null) throw LayerProbeException.For(manifestPath, "has no settings.study (only manifests written by a study run, `layerprobe study` or `layerprobe demo`, record one)");
        return Read(manifest.Subtree(study), overrides);
    }

    static Study Read(StudyYaml yaml, IEnumerable<string>? overrides)
    {
        foreach (var assignment in overrides ?? []) yaml.Set(assignment);
        return new Study(yaml.Source, StudyDefinition.Read(yaml));
    }

    /// <summary>
    /// Runs every step: features are extracted once into content-addressed stores under <c>OUTPUT/features</c> (a rerun
    /// reuses them and resumes an interrupted extraction), the report goes to <c>OUTPUT/report</c>: one sub-folder or
    /// file group per step, <c>README.md</c>, <c>report.html</c> and <c>manifest.json</c>. Progress lines go to
    /// <paramref name="log"/> (default: standard error).
    /// </summary>
    public StudyResult Run(TextWriter? log = null) => StudyRun.Run(this, log ?? Console.Error);
}

/// <summary>What a study run wrote.</summary>
/// <param name="ReportDirectory">The report folder (<c>README.md</c>, <c>report.html</c>, tables, plots).</param>
/// <param name="ManifestPath">The run's <c>manifest.json</c>; <see cref="Study.FromManifest"/> runs it again.</param>
/// <param name="MeanAp">mAP (11-point, 0–1) per layer of each layer-wise step, keyed <c>step-folder/layer</c>.</param>
public sealed record StudyResult(string ReportDirectory, string ManifestPath, IReadOnlyDictionary<string, double> MeanAp);
