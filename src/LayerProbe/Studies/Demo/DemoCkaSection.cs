using LayerProbe.Analyses;
using LayerProbe.Reports;

namespace LayerProbe.Studies;

/// <summary>
/// Demo section "CKA" (beyond the paper): linear CKA between every pair of demo layers over the test items, as a
/// heat map and a table — which stages represent the images alike.
/// </summary>
static class DemoCkaSection
{
    public static DemoSection Run(DemoSectionInputs inputs, string folder)
    {
        double[,] m;
        using (var stores = inputs.OpenEveryTest())
            m = LinearCka.Run(stores.Select(s => new CkaLayer(s.Name, s.Rows, s.Ids)).ToList(), Path.Combine(inputs.Report, folder),
                inputs: stores.Identities(), log: inputs.Log);

        int n = inputs.Layerwise.Results.Count;
        var names = inputs.Layerwise.Results.Select(r => r.Layer).ToArray();
        var neighbours = Enumerable.Range(1, n - 1).Select(i => m[i - 1, i]).ToArray();
        var page = new ReportPage("cka")
            .Heading(2, "Linear CKA between layers")
            .Paragraph($"Linear centred kernel alignment (Kornblith et al. 2019; not in the paper) between every pair of the {n} layers, on " +
                       $"the {inputs.Split.Test.Count} test images: 1 = the same representation up to rotation and scale. Adjacent layers: " +
                       $"mean {neighbours.DefaultIfEmpty(double.NaN).Average():F3}, lowest {neighbours.DefaultIfEmpty(double.NaN).Min():F3}; " +
                       $"{names[0]} vs {names[^1]}: {m[0, n - 1]:F3}.")
            .Figure($"{folder}/cka", $"Linear CKA between the layers of {inputs.ModelName} on {inputs.Split.Test.Name}")
            .Paragraph($"Files: `{folder}/` (`cka.*` table, heat map, manifest).");
        return new DemoSection(folder, page.Blocks, DemoSection.FilesOfAnalysis(inputs.Report, folder), new Dictionary<string, double>());
    }
}
