using System.Diagnostics;
using LayerProbe.Analyses;
using LayerProbe.Features;
using LayerProbe.Features.Transforms;
using LayerProbe.Reports;

namespace LayerProbe.Studies;

/// <summary>
/// Demo section "transforms" (paper Tables 6–7, E8): the layer-wise probes again on transformed features — where the
/// information is (spatial layout: sp-shuffle, sp-max, max+loc) and whether magnitudes matter (binarize,
/// binarize+loc) — for a few conv stages and pool5. Transformed features are content-addressed stores beside the
/// extracted ones (streamed, resumable, reused by a rerun); unroll is the layer-wise probe itself.
/// </summary>
static class DemoTransformsSection
{
    /// <summary>Layers of the table: the first pooled map, one block per deeper stage, the global pool.</summary>
    public static readonly string[] Layers = ["pool1", "res3b", "res4b", "res5c", "pool5"];
    /// <summary>Transforms, in the columns' order.</summary>
    public static readonly string[] Transforms = ["unroll", "sp-shuffle", "sp-max", "binarize", "max+loc", "binarize+loc"];

    /// <summary>The layers and transforms of one run, and the paper's table printed beside (null: none).</summary>
    internal sealed record Plan(IReadOnlyList<string> Layers, IReadOnlyList<string> Transforms, Files.PaperTable? Paper);

    public static DemoSection Run(DemoSectionInputs inputs, string folder, Plan plan)
    {
        var (Layers, Transforms) = (plan.Layers, plan.Transforms);
        var output = new AnalysisOutput(Path.Combine(inputs.Report, folder));
        var map = new ResultTable($"mAP (%) per layer of {inputs.ModelName} and feature transform on {inputs.Split.Test.Name}, linear SVM probes", "layer", [.. Transforms]);
        var seconds = new ResultTable("Seconds per cell: writing the transformed stores (trainval + test) + probing", "layer", [.. Transforms]);
        var largest = Layers.MaxBy(l => inputs.Layerwise.Results[inputs.Layerwise.IndexOf(l)].Dimensions)!;
        double largestTransformSeconds = 0, largestProbeSeconds = 0;
        foreach (var layer in Layers)
        {
            int l = inputs.Layerwise.IndexOf(layer);
            FeatureShape shape;
            using (var stored = inputs.OpenTrainVal(layer)) shape = stored.Shape;
            var row = new double?[Transforms.Count];
            var time = new double?[Transforms.Count];
            for (int t = 0; t < Transforms.Count; t++)
            {
                var transform = FeatureTransforms.Create(Transforms[t]);
                if (!FeatureTransforms.AppliesTo(transform, shape)) continue;
                if (transform.IsIdentity)
                {
                    (row[t], time[t]) = (100 * inputs.Layerwise.Results[l].Mean.ElevenPoint, inputs.Layerwise.Results[l].Seconds);
                    continue;
                }
                var clock = Stopwatch.StartNew();
                string trainDir = Write(inputs, layer, inputs.Layerwise.TrainValStores[l].Directory, transform, inputs.Split.TrainVal);
                string testDir = Write(inputs, layer, inputs.Layerwise.TestStores[l].Directory, transform, inputs.Split.Test);
                if (layer == largest) largestTransformSeconds += clock.Elapsed.TotalSeconds;
                var outShape = FeatureManifest.Read(Path.Combine(trainDir, FeatureStoreFiles.Manifest)).Shape;
                var result = LayerwiseProbe.ProbeLayer($"{layer}+{transform.Name}", trainDir, testDir, outShape, inputs.Split, inputs.Settings);
                (row[t], time[t]) = (100 * result.Mean.ElevenPoint, clock.Elapsed.TotalSeconds);
                if (layer == largest) largestProbeSeconds += result.Seconds;
                inputs.Log.WriteLine($"probe {result.Layer,-18} dims {result.Dimensions,9:N0}  mAP {row[t],5:F1}  C {result.Training.ChosenC:G2}  {time[t]:F1}s");
            }
            map.Add(layer, row);
            seconds.Add(layer, time);
        }
        output.Table(map, "transforms");
        output.Table(seconds, "transforms-seconds");
        if (plan.Paper is { } paperTable) output.Table(paperTable.Table(), paperTable.Stem);
        bool clsPaper = plan.Paper?.Name == "table7";
        if (clsPaper) output.Table(PaperAnchors.Table6AsTable(), "paper-table6");
        output.Plot("transforms", stem => Plots.Lines($"mAP per layer and feature transform: {inputs.ModelName} on {inputs.Split.Test.Name}", "mAP (%)", [.. Layers],
            Transforms.Select((name, t) => (name, (IReadOnlyList<double>)map.Rows.Select(r => r.Values[t] ?? double.NaN).ToArray())).ToList(), stem));
        output.WriteManifest($"study/{folder}", new Dictionary<string, object?>
        {
            ["definition"] = "docs/method.md §3 transforms of the stored features, then the layer-wise probes (same settings)",
            ["layers"] = Layers,
            ["transforms"] = Transforms.Select(t => FeatureTransforms.Create(t).Settings).ToArray(),
            ["probe"] = inputs.Settings,
        }, measurements: LargestLayer(largest, largestTransformSeconds, largestProbeSeconds));

        var page = new ReportPage(folder)
            .Heading(2, clsPaper || plan.Paper is null ? "Feature transforms (paper Tables 6–7)" : "Feature transforms (paper Table 8, sp-max columns)")
            .Paragraph("Where does a layer keep its information? Each layer's stored features are transformed (docs/method.md §3) and " +
                       "probed exactly like the layer-wise study: `sp-shuffle` permutes each channel's positions per image (location " +
                       "destroyed, values kept), `sp-max` keeps each channel's maximum only, `binarize` keeps only whether a unit fired, " +
                       "`max+loc` keeps each channel's maximum at its position, `binarize+loc` only that position. Layers without spatial " +
                       "extent take only `unroll` and `binarize` (dashes, as in the paper). Transformed features are feature stores " +
                       "of their own beside the extracted ones (content-addressed; a rerun reuses them).")
            .Table(map)
            .Figure($"{folder}/transforms", $"mAP per layer under each feature transform, {inputs.ModelName} on {inputs.Split.Test.Name}");
        if (plan.Paper is { } beside)
        {
            page.Paragraph("The paper's numbers (CaffeNet, PASCAL VOC 2007; on another network or data compare the direction of each transform's effect, not values):")
                .Table(beside.Beside($"Ours beside the paper's {beside.Name.Replace("table", "Table ")} (mAP %; paper: CaffeNet on VOC 2007)", map))
                .Table(beside.Table());
            if (clsPaper) page.Table(PaperAnchors.Table6AsTable());
        }
        page.Paragraph($"Files: `{folder}/` (`transforms.*`, `transforms-seconds.*`{(plan.Paper is null ? "" : $", `{plan.Paper.Stem}.*`")}{(clsPaper ? ", `paper-table6.*`" : "")}, plot, manifest). " +
                       $"The largest layer here, {largest}: writing its transformed stores took {largestTransformSeconds:F1} s, " +
                       $"probing them {largestProbeSeconds:F1} s.");
        return new DemoSection(folder, page.Blocks, DemoSection.FilesOfAnalysis(inputs.Report, folder),
            LargestLayer(largest, largestTransformSeconds, largestProbeSeconds));
    }

    static Dictionary<string, double> LargestLayer(string layer, double transformSeconds, double probeSeconds) => new()
    {
        [$"transform_seconds.{layer}"] = transformSeconds,
        [$"transform_probe_seconds.{layer}"] = probeSeconds,
    };

    static string Write(DemoSectionInputs inputs, string layer, string source, IFeatureTransform transform, Data.IItemSet items) =>
        TransformedStore.Write(source, transform, inputs.FeatureRoot,
            new Progress($"transform {layer} {transform.Name} ({items.Name})", items.Count, inputs.Log));
}
