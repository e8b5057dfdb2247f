using LayerProbe.Analyses;
using LayerProbe.Features.Transforms;
using LayerProbe.Reports;

namespace LayerProbe.Studies;

/// <summary>
/// Demo section "grandmother cells" (docs/method.md §5.2, E12, draft Fig. 5): on the top conv block's sp-max filter
/// responses, per class, filters ranked by single-filter trainval AP, SVMs on the top k, AP on test; k50/k90 per class.
/// </summary>
static class DemoGrandmotherSection
{
    /// <summary>Runs the section on <paramref name="Layer"/> (its sp-max: one response per filter).</summary>
    public static DemoSection Run(DemoSectionInputs inputs, string folder, string Layer)
    {
        var spMax = FeatureTransforms.Create("sp-max");
        int l = inputs.Layerwise.IndexOf(Layer);
        FeatureShape shape;
        using (var stored = inputs.OpenTrainVal(Layer)) shape = stored.Shape;
        // A 1×1 map (small inputs) has one response per filter already; otherwise sp-max, whose stores the transforms
        // section wrote (the content address makes this a lookup then).
        bool reduce = FeatureTransforms.AppliesTo(spMax, shape);
        string features = reduce ? $"{Layer}+sp-max" : Layer;
        string Filters(string store) => reduce ? TransformedStore.Write(store, spMax, inputs.FeatureRoot) : store;
        using var train = StoredLayer.Open($"{features}={Filters(inputs.Layerwise.TrainValStores[l].Directory)}");
        using var test = StoredLayer.Open($"{features}={Filters(inputs.Layerwise.TestStores[l].Directory)}");
        var options = new GrandmotherCellOptions { Svm = inputs.Settings.Svm };
        inputs.Log.WriteLine($"grandmother cells: {features}, {train.Rows.Dimensions} filters, {options.FilterCounts.Count(k => k < train.Rows.Dimensions) + 1} subset sizes per class");
        var result = GrandmotherCells.Run(train.Rows, inputs.TrainValLabels, test.Rows, inputs.TestLabels, options, Path.Combine(inputs.Report, folder),
            new() { ["train"] = train.Identity, ["test"] = test.Identity });

        var page = new ReportPage("grandmother")
            .Heading(2, "Grandmother cells (docs/method.md §5.2, draft Fig. 5)")
            .Paragraph($"Is a class carried by a few filters or spread over many? On {features} ({train.Rows.Dimensions} filter responses " +
                       "per image), each class ranks the filters by their own AP on the trainval images, trains a linear SVM (the probes' " +
                       $"settings, C = {options.Svm.C:G3}, features scaled to mean norm 20) on the top k and measures AP on test; k50/k90 = fewest " +
                       "filters reaching 50 %/90 % of the AP with all filters.")
            .Table(TableWriters.ReadJson(Path.Combine(inputs.Report, folder, "filters-needed.json")))
            .Paragraph($"Mean test AP with the top 1 filter {100 * result.MeanAp[0]:F1} %, with all {result.FilterCounts[^1]} {100 * result.MeanAp[^1]:F1} %.")
            .Figure($"{folder}/filters-needed-90", $"Filters needed for 90 % of the all-filter AP, {features} of {inputs.ModelName} on {inputs.Split.Test.Name}")
            .Figure($"{folder}/ap-vs-filters", $"Test AP against the number of top filters, {features} of {inputs.ModelName} on {inputs.Split.Test.Name}")
            .Paragraph($"Files: `{folder}/` (`filters-needed.*`, `ap-vs-filters.*`, `precision-at-rank.*`, plots, manifest).");
        return new DemoSection(folder, page.Blocks, DemoSection.FilesOfAnalysis(inputs.Report, folder), new Dictionary<string, double>());
    }
}
