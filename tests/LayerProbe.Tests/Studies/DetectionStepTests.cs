using System.Globalization;
using System.Text.Json;
using LayerProbe.Reports;
using LayerProbe.Studies;
using LayerProbe.Tests.Data;
using LayerProbe.Tests.Regions;

namespace LayerProbe.Tests.Studies;

/// <summary>
/// The studies' <c>detection</c> step: on scenes and proposals it makes itself, per-layer detection AP, transforms
/// (Table 6), before/after fine-tuning for detection, the paper's tables beside, pictures and curves; a rerun makes,
/// extracts and trains nothing; bad settings are one line naming file, line and key.
/// </summary>
[Collection("Console")]
public class DetectionStepTests
{
    const string Study = """
        name: det
        networks:
          mini: {model: MODEL}
        data:
          unused: {trainval: "fashion-mnist:train:2:1", test: "fashion-mnist:test:1:1"}
        layers: [pool5]
        steps:
          - detection:
              scenes: {images: 8, seed: 3}
              proposals: {max_per_image: 12}
              c: 0.01
              paper: [table1, table3, table6]
              runs:
                mini:
                  layers: [pool5, fc6, fc7]
                  transforms: [sp-max, binarize]
                  finetune: {iterations: 3, lr: 0.001, batch: 16}
        """;

    [Fact]
    public void The_step_writes_per_layer_tables_pictures_and_the_paper_beside_and_a_rerun_makes_extracts_and_trains_nothing()
    {
        using var dir = new TempDir();
        string model = MiniCaffeNet.Write(dir), file = dir.Combine("det.yaml"), output = dir.Combine("out");
        File.WriteAllText(file, Study.Replace("MODEL", model));
        var (code, log) = StudyFileTests.Run(["study", file, "--out", output]);
        Assert.True(code == 0, log);
        Assert.Contains("proposals voc2007/trainval: 4 images computed", log);
        Assert.Contains("fine-tuned for detection in", log);
        string report = Path.Combine(output, "report"), step = Path.Combine(report, "detection");

        // mAP per feature: the layers, the transforms of pool5, then the same after fine-tuning for detection.
        var map = Csv(Path.Combine(step, "detection-map.csv"));
        string[] features = ["pool5", "fc6", "fc7", "pool5+sp-max", "pool5+binarize"];
        Assert.Equal([.. features.Select(f => $"mini {f}"), .. features.Select(f => $"mini FT {f}")], map.Select(r => r.Label));
        // each equals the run's own per-layer table (its mAP column)
        var before = Csv(Path.Combine(step, "mini-warp", "detection.csv"));
        Assert.Equal(features, before.Select(r => r.Label));
        foreach (var (label, values) in before) Assert.Equal(values[^1], map.Single(r => r.Label == $"mini {label}").Values[0]);
        var fineTuning = Csv(Path.Combine(step, "detection-finetune-mini.csv"));
        foreach (var (label, values) in fineTuning)
        {
            Assert.Equal(map.Single(r => r.Label == $"mini {label}").Values[0], values[0]);
            Assert.Equal(map.Single(r => r.Label == $"mini FT {label}").Values[0], values[1]);
            Assert.Equal((values[1] - values[0])!.Value, values[2]!.Value, 9);
        }

        // The paper beside: Table 3's mAP rows l5/l6/l7 (and -ft), Table 1's DET column, Table 6's transforms of pool5.
        var table3 = Csv(Path.Combine(step, "paper-table3-beside-mini.csv"));
        Assert.Equal(["l5", "l7", "l5-ft", "l6-ft", "l7-ft"], table3.Select(r => r.Label.Split(' ')[0])); // the draft has no alex-net l6 row
        Assert.Contains("not compared: l6", File.ReadAllText(Path.Combine(step, "paper-table3-beside-mini.md")));
        var paper3 = PaperAnchors.Table3.ToDictionary(r => r.Feature, r => r.MeanAp);
        foreach (var (label, values) in table3)
        {
            string row = label.Split(' ')[0];
            bool ft = row.EndsWith("-ft", StringComparison.Ordinal);
            string layer = row[1] switch { '5' => "pool5", '6' => "fc6", _ => "fc7" };
            Assert.Equal(map.Single(r => r.Label == $"mini {(ft ? "FT " : "")}{layer}").Values[0], values[0]);
            Assert.Equal(paper3[row], values[1]!.Value, 9);
            Assert.Equal((values[0] - values[1])!.Value, values[2]!.Value, 9);
        }
        Assert.Contains("not VOC's, so per-class AP is not compared", File.ReadAllText(Path.Combine(step, "paper-table3-beside-mini.md")));
        var table1 = Csv(Path.Combine(step, "paper-table1-beside-mini.csv"));
        Assert.Equal(["pool5 DET", "relu6 DET", "relu7 DET"], table1.Select(r => r.Label));
        Assert.Contains("Our fc6 and fc7 (before the ReLU) stand in for the paper's layer 6/7", File.ReadAllText(Path.Combine(step, "paper-table1-beside-mini.md")));
        Assert.Null(table1[1].Values[1]); // the draft gives no alex-net relu6 DET number
        Assert.Equal(54.1, table1[2].Values[4]!.Value, 9);
        var table6 = Csv(Path.Combine(step, "paper-table6-beside-mini.csv"));
        Assert.Equal(["pool5", "sp-max", "binary"], table6.Select(r => r.Label));
        Assert.Equal(map.Single(r => r.Label == "mini FT pool5+binarize").Values[0], table6[2].Values[0]);
        Assert.Equal(45.7, table6[2].Values[1]!.Value, 9);

        // Pictures (SVG with the JPEG inside), PR curves, the cost table, and the report page.
        var pictures = Directory.GetFiles(Path.Combine(step, "mini-warp", "detection-pictures"), "*.svg");
        Assert.NotEmpty(pictures);
        Assert.Contains("data:image/jpeg;base64,", File.ReadAllText(pictures[0]));
        Assert.True(new FileInfo(Path.Combine(step, "mini-ft-warp", "detection-pr-fc7.png")).Length > 1000);
        var cost = Csv(Path.Combine(step, "detection-cost.csv"));
        Assert.Equal(["mini warp", "mini FT warp"], cost.Select(r => r.Label));
        Assert.All(cost, r => Assert.True(r.Values[2] > 0)); // regions/s measured: both extracted now
        string readme = File.ReadAllText(Path.Combine(report, "README.md"));
        Assert.Contains("# Detection (R-CNN)", readme);
        Assert.Contains("the first 12 per image in R-CNN's rank order", readme);
        Assert.Contains("recall", readme);
        using (var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(report, "manifest.json"))))
        {
            Assert.Contains(manifest.RootElement.GetProperty("outputs").EnumerateObject(), o => o.Name == "detection/detection-map.csv");
            Assert.True(manifest.RootElement.GetProperty("measurements").GetProperty("detection.mini-warp.regions_per_second").GetDouble() > 0);
        }

        // Rerun: scenes, proposals, stores, detectors and the fine-tuned network are all found; the same numbers.
        string mapText = File.ReadAllText(Path.Combine(step, "detection-map.csv"));
        (code, log) = StudyFileTests.Run(["study", file, "--out", output]);
        Assert.True(code == 0, log);
        foreach (var made in new[] { "images computed", "scenes:", "regions in", "retrains in", "for detection on", "fine-tuned for detection in" })
            Assert.DoesNotContain(made, log);
        Assert.Contains("(trained before)", log);
        Assert.Equal(mapText, File.ReadAllText(Path.Combine(step, "detection-map.csv")));
        Assert.All(Csv(Path.Combine(step, "detection-cost.csv")), r => Assert.Equal(0.0, r.Values[0])); // nothing extracted
    }

    [Theory]
    [InlineData("runs: {mini: {layers: [pool5], regions: [warp, shared-conv]}}", "steps.detection.runs.mini.shared_conv: is required when regions has shared-conv")]
    [InlineData("runs: {mini: {layers: [pool5], regions: [warp, roi]}}", "steps.detection.runs.mini.regions: unknown region mode 'roi'")]
    [InlineData("paper: table9", "steps.detection.paper: unknown table 'table9'")]
    [InlineData("proposals: {max_per_image: 0}", "steps.detection.proposals.max_per_image: 0 is below the smallest allowed value 1")]
    [InlineData("c: [0.001, 0.01]", "steps.detection.c: detection takes one positive C")]
    [InlineData("runs: {mini: {layers: [pool5], transforms: [sp-maxx]}}", "steps.detection.runs.mini.transforms: unknown transform 'sp-maxx'")]
    [InlineData("runs: {mini: {trained: ft-full, layers: [pool5]}}", "steps.detection.runs.mini.trained: needs a training step before this step")]
    [InlineData("runs: {mini: {layers: [pool5], finetune: {iterations: 10, lrr: 0.1}}}", "steps.detection.runs.mini.finetune.lrr: unknown key")]
    [InlineData("runs: {mini: {layers: [pool5], transform_layer: fc7}}", "steps.detection.runs.mini.transform_layer: 'fc7' is not one of layers")]
    [InlineData("scenes: {images: 8, width: 100}", "steps.detection.scenes.width: 100 is below the smallest allowed value 164")]
    [InlineData("scene: {images: 8}", "steps.detection.scene: unknown key")]
    public void Bad_step_settings_are_one_line_naming_file_line_and_key(string setting, string expected)
    {
        using var dir = new TempDir();
        string model = MiniCaffeNet.Write(dir), path = dir.Combine("det.yaml");
        var lines = new List<string>
        {
            "name: det", "networks:", $"  mini: {{model: {model}}}", "data:",
            "  unused: {trainval: \"fashion-mnist:train:2:1\", test: \"fashion-mnist:test:1:1\"}", "layers: [pool5]", "steps:", "  - detection:",
        };
        var settings = new List<string> { "scenes: {images: 8}", "runs: {mini: {layers: [pool5]}}" };
        settings.RemoveAll(l => l.Split(':')[0] == setting.Split(':')[0]);
        settings.Add(setting);
        lines.AddRange(settings.Select(l => "      " + l));
        File.WriteAllLines(path, lines);
        int line = lines.IndexOf("      " + setting) + 1;
        var e = Assert.Throws<LayerProbeException>(() => LayerProbe.Studies.Study.Load(path));
        Assert.StartsWith($"{path}:{line}: {expected}", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        var (code, log) = StudyFileTests.Run(["study", path, "--out", dir.Combine("out")]);
        Assert.Equal(2, code);
        Assert.Equal($"layerprobe: {e.Message}", log.Trim());
        Assert.False(Directory.Exists(dir.Combine("out")));
    }

    static List<(string Label, double?[] Values)> Csv(string path) =>
        [.. File.ReadAllLines(path).Skip(1).Select(l => l.Split(',')).Select(f => (f[0].Trim('"'), f[1..].Select(v =>
            double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) ? d : (double?)null).ToArray()))];
}
