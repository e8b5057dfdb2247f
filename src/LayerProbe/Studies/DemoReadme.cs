using LayerProbe.Analyses;
using LayerProbe.Reports;

namespace LayerProbe.Studies;

/// <summary>The demo report's page (README.md and report.html): what was run, the layer-wise table, the paper's
/// numbers beside it, then each analysis section's blocks with their time and memory.</summary>
static class DemoReadme
{
    public static ReportPage Page(DemoOptions options, IReadOnlyList<LayerProbeResult> results, string dataName, TimeSpan elapsed,
        IReadOnlyList<DemoSection> sections, DemoSection? training, double peakRssMegabytes)
    {
        var best = results.MaxBy(r => r.Mean.ElevenPoint)!;
        var layerwise = LayerwiseReport.ElevenPointTable($"Per-class AP (%) and mAP per layer of ResNet-18 (ImageNet) on {dataName}", results);
        var paper = PaperAnchors.Table9AsTable();
        var page = new ReportPage("LayerProbe demo report")
            .Paragraph("The paper's layer-wise experiment (Agrawal, Girshick & Malik, ECCV 2014, draft Table 9) in miniature, on what ships " +
                "with the tool: ImageNet-trained ResNet-18 (NuGet `Microsoft.ML.DnnImageFeaturizer.ResNet18`) as the pre-trained " +
                $"network, Fashion-MNIST (Debian `dataset-fashion-mnist`) as the target task: {options.TrainPerClass} trainval and " +
                $"{options.TestPerClass} test images per class (seed {options.Seed}), resized to {options.InputSize}×{options.InputSize}. Each layer's " +
                "features are probed with one-vs-rest linear SVMs (R-CNN feature scaling, C chosen on a validation half, retrained on " +
                "trainval) and scored with VOC 11-point AP on test.")
            .Paragraph($"Best layer: **{best.Layer}** with mAP {100 * best.Mean.ElevenPoint:F1}%. Wall time {elapsed.TotalSeconds:F0} s, peak RSS {peakRssMegabytes:F0} MiB.")
            .Table(Cost(sections, training, elapsed, peakRssMegabytes))
            .Heading(1, "Layer-wise probes")
            .Table(layerwise)
            .Figure("layerwise-map", $"mAP per layer of ResNet-18 (ImageNet) on {dataName}")
            .Paragraph("For comparison, the paper's numbers (CaffeNet on PASCAL VOC 2007; compare the trend with depth, not the values):")
            .Table(PaperComparison.Beside("Ours beside the paper's Table 9 where a layer has the same name (mAP %)", layerwise, paper, [("mAP", "mAP")]))
            .Table(paper)
            .Paragraph("Files: `layerwise.*` (11-point AP), `layerwise-area.*` (area AP), `paper-table9.*`, `manifest.json` (inputs, settings, C grid per layer, hashes of every file).")
            .Heading(1, "What layers encode")
            .Paragraph("Analyses of the same stored features (nothing is extracted again), one section each, with tables in `DIR/*.md|csv|json`, " +
                "plots and a manifest per folder.");
        foreach (var section in sections) page.AddRange(section.BlocksWithCost());
        if (training is not null) page.AddRange(training.BlocksWithCost());
        return page;
    }

    static ResultTable Cost(IReadOnlyList<DemoSection> sections, DemoSection? training, TimeSpan elapsed, double peakRssMegabytes)
    {
        var cost = new ResultTable("Time and memory per section", "section",
            ["wall seconds", "peak RSS (MiB)"]) { Format = "F0" };
        foreach (var section in training is null ? sections : sections.Append(training)) cost.Add(section.Name, [section.Seconds, section.PeakRssMegabytes]);
        cost.Add("whole demo", [elapsed.TotalSeconds, peakRssMegabytes]);
        cost.Note($"{Environment.ProcessorCount} cores. Peak RSS is measured from each section's start, after a full garbage collection. " +
                  "The rest of the whole demo's time is the extraction of every layer, the layer-wise probes and writing the report.");
        return cost;
    }
}
