using System.Text;
using LayerProbe.Analyses;
using LayerProbe.Reports;

namespace LayerProbe.Studies;

/// <summary>The demo report's index page: what was run, the layer-wise table, the paper's numbers beside it, then each
/// analysis section's block and their time and memory.</summary>
static class DemoReadme
{
    public static void Write(string directory, DemoOptions options, IReadOnlyList<LayerProbeResult> results, TimeSpan elapsed,
        IReadOnlyList<DemoSection> sections, DemoSection? training, double peakRssMegabytes)
    {
        var best = results.MaxBy(r => r.Mean.ElevenPoint)!;
        var sb = new StringBuilder();
        sb.AppendLine("# LayerProbe demo report").AppendLine();
        sb.AppendLine("The paper's layer-wise experiment (Agrawal, Girshick & Malik, ECCV 2014, draft Table 9) in miniature, on what ships");
        sb.AppendLine("with the tool: ImageNet-trained ResNet-18 (NuGet `Microsoft.ML.DnnImageFeaturizer.ResNet18`) as the pre-trained");
        sb.AppendLine($"network, Fashion-MNIST (Debian `dataset-fashion-mnist`) as the target task: {options.TrainPerClass} trainval and");
        sb.AppendLine($"{options.TestPerClass} test images per class (seed {options.Seed}), resized to {options.InputSize}×{options.InputSize}. Each layer's");
        sb.AppendLine("features are probed with one-vs-rest linear SVMs (R-CNN feature scaling, C chosen on a validation half, retrained on");
        sb.AppendLine("trainval) and scored with VOC 11-point AP on test.").AppendLine();
        sb.AppendLine($"Best layer: **{best.Layer}** with mAP {100 * best.Mean.ElevenPoint:F1}%. Wall time {elapsed.TotalSeconds:F0} s.").AppendLine();
        sb.AppendLine(TableWriters.Markdown(LayerwiseReport.ElevenPointTable("Per-class AP (%) and mAP per layer", results)));
        sb.AppendLine("![mAP per layer](layerwise-map.png)").AppendLine();
        sb.AppendLine("For comparison, the paper's numbers (CaffeNet on PASCAL VOC 2007; compare the trend with depth, not the values):").AppendLine();
        sb.AppendLine(TableWriters.Markdown(PaperAnchors.Table9AsTable()));
        sb.AppendLine("Files: `layerwise.*` (11-point AP), `layerwise-area.*` (area AP), `paper-table9.*`, `manifest.json` (inputs, settings, C grid per layer, hashes of every file).");
        sb.AppendLine().AppendLine("# What layers encode").AppendLine();
        sb.AppendLine("Analyses of the same stored features (nothing is extracted again), one section each, with tables in `DIR/*.md|csv|json`,");
        sb.AppendLine("plots and a manifest per folder.").AppendLine();
        foreach (var section in sections) sb.AppendLine(section.Readme);
        if (training is not null) sb.AppendLine().AppendLine(File.ReadAllText(Path.Combine(directory, DemoTrainingSection.ReadmeFile)));
        var cost = new ResultTable($"Time and memory per section ({Environment.ProcessorCount} cores; peak RSS from each section's start, after a full garbage collection)", "section",
            ["wall seconds", "peak RSS (MiB)"]) { Format = "F0" };
        foreach (var section in training is null ? sections : sections.Append(training)) cost.Add(section.Name, [section.Seconds, section.PeakRssMegabytes]);
        cost.Add("whole demo", [elapsed.TotalSeconds, peakRssMegabytes]);
        sb.AppendLine(TableWriters.Markdown(cost));
        AtomicFile.WriteText(Path.Combine(directory, "README.md"), sb.ToString());
    }
}
