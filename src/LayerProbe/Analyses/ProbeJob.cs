using LayerProbe.Data;
using LayerProbe.Features;
using LayerProbe.Networks;
using LayerProbe.Reports;

namespace LayerProbe.Analyses;

/// <summary>What a layer-wise probe run is asked to do (<c>layerprobe probe</c>).</summary>
public sealed record ProbeJobSettings
{
    /// <summary>The network: an ONNX file or a built-in name; reports name it as written here.</summary>
    public required string Model { get; init; }
    /// <summary>The image input of a graph with several inputs (null: its only one).</summary>
    public string? Input { get; init; }
    /// <summary>Data specification of the items probes learn from (and pick C on).</summary>
    public required string TrainVal { get; init; }
    /// <summary>Data specification of the items probes are scored on.</summary>
    public required string Test { get; init; }
    /// <summary>Data specification of the trainval items that fit each C (the rest pick C); null: halves per class.</summary>
    public string? Fit { get; init; }
    /// <summary>Layers to probe.</summary>
    public required IReadOnlyList<string> Layers { get; init; }
    /// <summary>Report folder.</summary>
    public required string Output { get; init; }
    /// <summary>Feature store folder (null: <c>features/</c> in <see cref="Output"/>); the same folder as <c>extract --out</c> reuses its stores.</summary>
    public string? Stores { get; init; }
    /// <summary>Input convention and size asked for (the size adapts the network, <see cref="InputAdaptation.AtInputSide"/>).</summary>
    public PreprocessingRequest Preprocessing { get; init; } = PreprocessingRequest.Automatic;
    /// <summary>Solver, SVM preset and C grid.</summary>
    public ProbeSettings Settings { get; init; } = new();
    /// <summary>Extraction options (dtype, device).</summary>
    public ExtractionOptions Extraction { get; init; } = new();
    /// <summary>
    /// The task on region items (<c>voc2007:DEVKIT:SPLIT:proposals:STORE</c> as trainval): R-CNN detection, given the
    /// network as loaded, the network adapted, the preprocessor, the trainval regions, the report folder and the clock;
    /// null refuses region items.
    /// </summary>
    public Action<RegionTask>? OnRegions { get; init; }
}

/// <summary>What <see cref="ProbeJobSettings.OnRegions"/> is given: the job, networks, preprocessor, trainval regions, report folder, clock.</summary>
public sealed record RegionTask(ProbeJobSettings Job, OnnxNetwork Source, OnnxNetwork Network, IPreprocessor Preprocessor,
    Regions.VocRegions TrainVal, string Output, System.Diagnostics.Stopwatch Clock);

/// <summary>
/// The probe use case: loads and adapts the network the way <c>extract</c> does (so both share stores), resolves the
/// data from a <see cref="DataSources"/> registry, runs <see cref="LayerwiseProbe"/> and writes the report (tables,
/// plot, <c>report.html</c>) and its manifest.
/// </summary>
public static class ProbeJob
{
    /// <summary>The results and the report's title (no results when region items ran as detection).</summary>
    public sealed record Outcome(IReadOnlyList<LayerProbeResult> Results, string Title);

    /// <summary>Runs <paramref name="job"/>; progress goes to <paramref name="log"/>.</summary>
    public static Outcome Run(ProbeJobSettings job, DataSources? sources = null, TextWriter? log = null)
    {
        sources ??= DataSources.Default;
        log ??= Console.Error;
        var device = job.Extraction.Device.EnsureAvailable();
        string outDir = OutputFolder.Prepare(job.Output); // before any long work
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var source = OnnxNetwork.Load(job.Model, job.Input);
        var network = source.AtInputSide(job.Preprocessing.Size);
        var (trainAny, preprocessor) = sources.Items(job.TrainVal, network, job.Preprocessing, "trainVal");
        if (trainAny is Regions.VocRegions regions && job.OnRegions is { } detection) // region items: the detection task (R-CNN)
        {
            using (regions) detection(new RegionTask(job with { Extraction = job.Extraction with { Device = device } }, source, network, preprocessor, regions, outDir, clock));
            return new Outcome([], "");
        }
        var trainItems = trainAny as ILabelledItemSet ?? sources.Labelled(job.TrainVal, network, job.Preprocessing, "trainVal").Items; // the latter says why not
        var (testItems, _) = sources.Labelled(job.Test, network, job.Preprocessing, "test");
        var fitIds = job.Fit is { } f ? Ids(sources.Items(f, network, job.Preprocessing, "fit").Items) : null;
        var split = ProbeSplit.Create(trainItems, testItems, fitIds);
        foreach (var name in job.Layers) network.ResolveLayer(name);

        var results = LayerwiseProbe.Run(network, preprocessor, split, job.Layers, job.Stores ?? Path.Combine(outDir, "features"), job.Settings,
            job.Extraction with { Device = device }, log);
        string file = Path.GetFileName(source.Path);
        string modelName = (ModelCatalog.Names.Contains(job.Model, StringComparer.OrdinalIgnoreCase) ? $"{job.Model} ({file})" : file)
            + (network != source && network.InputSize is { } inputSize ? $" at {inputSize.Height}×{inputSize.Width} input" : "");
        string title = $"AP (%) per layer of {modelName} on {testItems.Name}";
        string plotTitle = $"mAP per layer: {modelName} on {testItems.Name}";
        var files = LayerwiseReport.Write(outDir, "probe", title, results, plotTitle);
        var manifest = new Manifest
        {
            Task = "probe",
            Inputs = { ["network"] = $"{source.Path} sha256:{source.Sha256}", ["trainval"] = $"{trainItems.Name} {trainItems.Fingerprint}", ["test"] = $"{testItems.Name} {testItems.Fingerprint}" },
            Settings = { ["preprocessing"] = preprocessor.Description, ["network_adaptation"] = network == source ? "none" : $"dynamic batch, input {string.Join("x", network.InputShape.Skip(2))} (adapted graph sha256:{network.Sha256})",
                ["input_convention"] = (preprocessor as ConventionPreprocessor)?.Record,
                ["layers"] = job.Layers, ["device"] = device, ["probe"] = results.Select(r => new { r.Layer, r.Training }).ToList() },
            Measurements = { ["wall_seconds"] = clock.Elapsed.TotalSeconds, ["peak_rss_mib"] = ResourceUsage.PeakRssMegabytes() },
        }.WithOutputs(outDir, files);
        string summary = $"Linear SVM probes of {job.Layers.Count} layers of `{modelName}`: trained on {trainItems.Name} ({trainItems.Count} items), " +
                         $"scored on {testItems.Name} ({testItems.Count} items). Wall time {clock.Elapsed.TotalSeconds:F0} s, peak RSS {manifest.Measurements["peak_rss_mib"]:F0} MiB.";
        var page = LayerwiseReport.Page("probe", title, plotTitle, results, summary);
        manifest.WithOutputs(outDir, [HtmlReport.Write(page, outDir, manifest)]).Write(Path.Combine(outDir, "manifest.json"));
        return new Outcome(results, title);
    }

    static IEnumerable<string> Ids(IItemSet items) => Enumerable.Range(0, items.Count).Select(items.Id);
}
