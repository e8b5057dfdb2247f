using LayerProbe.Analyses;
using LayerProbe.Reports;

namespace LayerProbe.Studies.Files;

/// <summary>
/// Step <c>layerwise</c> (paper Table 9; Tables 2 and 8 on GT boxes): every layer of <c>layers</c> (default: the
/// study's) extracted for trainval and test in one pass each into content-addressed stores, then probed with
/// one-vs-rest linear SVMs. Writes <c>layerwise.*</c> (11-point and area AP, plot) and, with <c>paper:</c>, the
/// paper's table and ours beside it. The first task's step writes into the report folder itself.
/// </summary>
sealed class LayerwiseStep : StudyStep
{
    public required IReadOnlyList<string> Layers { get; init; }
    public required PaperTable? Paper { get; init; }
    public required string Heading { get; init; }
    public required string Where { get; init; }

    internal static StudyStep Read(StudyNode s, StudySteps.StepCommon c) => new LayerwiseStep
    {
        Kind = c.Kind, Data = c.Data, Network = c.Network, Skip = c.Skip, Where = s.Where,
        Folder = StudySteps.Folder(s, c.DefaultFolder == c.Kind ? "" : c.DefaultFolder),
        Layers = s.Names("layers", c.Context.Layers)!,
        Paper = PaperTable.Layerwise[s.Choice("paper", "none", PaperTable.Layerwise.Keys)],
        Heading = s.String("heading", "Layer-wise probes")!,
    };

    public override DemoSection Run(StudyContext context)
    {
        var entry = context.NetworkEntry(Network);
        var (source, network) = context.Network(Network);
        var (split, preprocessor) = context.Split(Data, Network);
        foreach (var layer in Layers) StudyPlace.Guard(Where, $"{Kind}.layers", () => network.ResolveLayer(layer));
        context.Log.WriteLine($"study: {entry.Title} at {preprocessor.Description} on {split.Test.Name}: {split.TrainVal.Count} trainval, " +
                              $"{split.Test.Count} test items, {Layers.Count} layers");
        var run = LayerwiseProbe.RunWithStores(network, preprocessor, split, Layers, context.FeatureRoot, context.Study.Probe, context.Study.Extraction, context.Log);
        context.AddLayerwise(Data, Network, run);
        var results = run.Results;
        foreach (var r in results) context.MeanAp[$"{(Folder!.Length == 0 ? "layerwise" : Folder)}/{r.Layer}"] = r.Mean.ElevenPoint;

        string directory = Path.Combine(context.Report, Folder!);
        string prefix = Folder!.Length == 0 ? "" : $"{Folder}/";
        string title = $"AP (%) per layer of {entry.Title} ({Path.GetFileName(source.Path)}) on {split.Test.Name}, linear SVM probes trained on {split.TrainVal.Name}";
        var files = LayerwiseReport.Write(directory, "layerwise", title, results, $"mAP per layer: {entry.Title} on {split.Test.Name}").ToList();
        var table = LayerwiseReport.ElevenPointTable($"Per-class AP (%) and mAP per layer of {entry.Title} on {split.Test.Name}", results);
        var best = results.MaxBy(r => r.Mean.ElevenPoint)!;
        var page = new ReportPage("")
            .Heading(1, Heading)
            .Paragraph($"Best layer: **{best.Layer}** with mAP {100 * best.Mean.ElevenPoint:F1}%.")
            .Table(table)
            .Figure($"{prefix}layerwise-map", $"mAP per layer of {entry.Title} on {split.Test.Name}");
        if (Paper is not null)
        {
            files.AddRange(TableWriters.WriteAll(Paper.Table(), directory, Paper.Stem));
            var beside = Paper.Beside($"Ours beside the paper's {Paper.Name.Replace("table", "Table ")} where a layer has the same name (mAP %)", table);
            files.AddRange(TableWriters.WriteAll(beside, directory, $"{Paper.Stem}-beside"));
            page.Paragraph("For comparison, the paper's numbers (CaffeNet on PASCAL VOC 2007; on another network or data compare the trend with depth, not the values):")
                .Table(beside)
                .Table(Paper.Table());
        }
        page.Paragraph($"Files: `{prefix}layerwise.*` (11-point AP), `{prefix}layerwise-area.*` (area AP)" +
                       (Paper is null ? "" : $", `{prefix}{Paper.Stem}.*`, `{prefix}{Paper.Stem}-beside.*`") +
                       "; the manifest records each layer's C grid and chosen C.");
        context.Settings[$"probe{(prefix.Length == 0 ? "" : "." + Folder)}"] = results.Select(r => new { r.Layer, r.Training }).ToList();
        context.Settings[$"preprocessing{(prefix.Length == 0 ? "" : "." + Folder)}"] = preprocessor.Description;
        return new DemoSection(Folder!.Length == 0 ? Kind : Folder, page.Blocks, [.. files.Select(f => prefix + f)], new Dictionary<string, double>());
    }
}
