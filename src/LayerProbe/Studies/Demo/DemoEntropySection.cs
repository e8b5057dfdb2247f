using System.Diagnostics;
using LayerProbe.Analyses;
using LayerProbe.Reports;

namespace LayerProbe.Studies;

/// <summary>
/// Demo section "label entropy" (docs/method.md §5.1, E11, draft Fig. 3): the label entropy of every channel (spatial max)
/// of every demo layer over the test items, layer by layer in one streaming pass each; summary table, sorted curves.
/// </summary>
static class DemoEntropySection
{
    public static DemoSection Run(DemoSectionInputs inputs, string folder)
    {
        var options = new LabelEntropyOptions();
        var classOf = inputs.Split.Test.Labels.ClassIndex
            ?? throw new LayerProbeException($"{inputs.Split.Test.Name}: label entropy needs one class per item");
        var classes = inputs.Split.Test.Labels.Classes;
        var layers = new List<EntropyLayer>();
        var results = new List<LayerEntropies>();
        var seconds = new Dictionary<string, double>();
        var identities = new Dictionary<string, string>();
        foreach (var probed in inputs.Layerwise.Results)
        {
            // One store mapped at a time; Write below reads only the layers' names and shapes.
            using var test = inputs.OpenTest(probed.Layer);
            var layer = new EntropyLayer(inputs.NetworkLabel, test.Name, test.Rows, test.Shape);
            var clock = Stopwatch.StartNew();
            results.AddRange(LabelEntropyAnalysis.Compute([layer], classOf, classes.Count, options, inputs.Log));
            seconds[$"entropy_seconds.{test.Name}"] = clock.Elapsed.TotalSeconds;
            layers.Add(layer);
            identities[test.Name] = test.Identity;
        }
        LabelEntropyAnalysis.Write(results, layers, classOf.Length, classes, options, Path.Combine(inputs.Report, folder), identities, seconds);

        var largest = inputs.Layerwise.Results.MaxBy(r => r.Dimensions)!;
        var headline = results.Where(r => r.Variant == options.Variants[0]).ToList();
        var page = new ReportPage("entropy")
            .Heading(2, "Label entropy of units (docs/method.md §5.1, draft Fig. 3)")
            .Paragraph($"How class-specific is each unit? For every channel of every layer (response = its spatial maximum) the " +
                       $"{classOf.Length} test images are sorted by response; the class entropy of the top 1 %, 2 %, … 100 % is averaged " +
                       $"(area under the entropy curve, bits; variant R = rank thresholds, V = value thresholds). Prior entropy " +
                       $"{(headline.Count > 0 ? headline[0].Prior : double.NaN):F3} bits (log2 of 10 classes = 3.32 for balanced classes); low values mean units that fire for few classes.")
            .Table(TableWriters.ReadJson(Path.Combine(inputs.Report, folder, "entropy-summary.json")))
            .Figure($"{folder}/entropy-curves", $"Sorted label entropy of the units of each layer, {inputs.ModelName} on {inputs.Split.Test.Name}")
            .Paragraph($"Largest layer, {largest.Layer} ({largest.Dimensions:N0} values per image): entropy of its {largest.Shape[0]} channels in " +
                       $"{seconds[$"entropy_seconds.{largest.Layer}"]:F1} s (one streaming pass over the store).")
            .Paragraph($"Files: `{folder}/` (`entropy-summary.*`, `entropy-curves.*` with plot, `entropy-mean-per-layer.*` with plot, " +
                       "`entropy-per-unit.*`, manifest with seconds per layer).");
        return new DemoSection(folder, page.Blocks, DemoSection.FilesOfAnalysis(inputs.Report, folder), seconds);
    }
}
