using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Google.Protobuf;
using LayerProbe.Networks;
using LayerProbe.Proposals;
using LayerProbe.Reports;
using LayerProbe.Scenes;
using LayerProbe.Tests.Data;

namespace LayerProbe.Tests.Studies;

/// <summary>
/// studies/voc2007-paper.yaml, as shipped, on a tiny VOC2007-layout devkit (Fashion-MNIST scenes) and a tiny CaffeNet
/// (every sub-layer the paper names) through --set overrides only, so the file cannot rot: each table is written,
/// stands beside the paper's numbers with Δ = ours − paper, and the manifest's hashes hold.
/// </summary>
[Collection("Console")]
public class PaperStudyTests
{
    [Fact]
    public void Voc2007_paper_study_runs_on_a_tiny_devkit_and_a_tiny_caffenet()
    {
        using var dir = new TempDir();
        FashionScenes.Generate(new SceneSettings { Images = 40, Seed = 5 }, dir.Combine("scenes"), TextWriter.Null);
        string model = dir.Combine("caffenet-mini.onnx");
        File.WriteAllBytes(model, CaffeNet.Build(CaffeNetSpec.Mini(64, 3, 8, 32, 10, 0)).ToByteArray());
        string output = dir.Combine("out"), devkit = dir.Combine("scenes", "VOC2007");
        // Detection (Tables 1 DET, 3, 6) on the scenes' own selective-search proposals, 6 per image, and 3 iterations of fine-tuning.
        string Proposals(string split) => ProposalRun.Compute(ImageFileSet.FromSpec($"voc2007:{devkit}:{split}"), SelectiveSearchSettings.Fast, dir.Combine("proposals"), 2).Directory;
        string trainvalProposals = Proposals("trainval"), testProposals = Proposals("test");
        var (code, log) = StudyFileTests.Run(["study", Path.Combine(StudyFileTests.Root, "studies", "voc2007-paper.yaml"), "--out", output,
            "--set", $"vars.devkit={devkit}", "--set", $"vars.model={model}",
            "--set", $"vars.trainval_proposals={trainvalProposals}", "--set", $"vars.test_proposals={testProposals}",
            "--set", "data.det.trainval=voc2007:${devkit}:trainval:proposals:${trainval_proposals}:max-proposals=6",
            "--set", "data.det.test=voc2007:${devkit}:test:proposals:${test_proposals}:max-proposals=6",
            "--set", "steps.detection.runs.alexnet.finetune={iterations: 3, lr: 0.001, batch: 16}"]);
        Assert.True(code == 0, log);
        string report = Path.Combine(output, "report");

        // Table 9: every sub-layer, beside the paper's numbers.
        var layerwise = Csv(Path.Combine(report, "layerwise.csv"));
        Assert.Equal(PaperAnchors.Table9.Select(r => r.Layer), layerwise.Select(r => r.Label));
        AssertBeside(Path.Combine(report, "paper-table9-beside.csv"), layerwise, PaperAnchors.Table9.ToDictionary(r => r.Layer, r => (double?)r.MeanAp));

        // Table 7: CLS under each transform (relu3/relu4 are the paper's conv3/conv4 rows).
        var transforms = Csv(Path.Combine(report, "cls-transforms", "transforms.csv"));
        Assert.Equal(["pool1", "pool2", "relu3", "relu4", "pool5", "relu6", "relu7"], transforms.Select(r => r.Label));
        Assert.All(transforms.Where(r => r.Label.StartsWith("relu") && r.Label is "relu6" or "relu7"), r => Assert.Null(r.Values[2])); // no sp-max of fc layers
        Assert.True(File.Exists(Path.Combine(report, "cls-transforms", "paper-table7.csv")));

        // Table 8 (alex-net columns; the same numbers as Table 2's and Table 1's DET-GT alex-net column): GT boxes.
        var gtBoxes = Csv(Path.Combine(report, "det-gt", "layerwise.csv"));
        Assert.Equal(["pool1", "pool2", "relu3", "relu4", "pool5", "fc6", "fc7"], gtBoxes.Select(r => r.Label));
        var table8 = PaperAnchors.Table8.ToDictionary(r => r.Layer switch { "conv3" => "relu3", "conv4" => "relu4", var l => l }, r => r.MeanAp[0]);
        AssertBeside(Path.Combine(report, "det-gt", "paper-table8-beside.csv"), gtBoxes, table8);
        var spMax = Csv(Path.Combine(report, "det-gt-transforms", "transforms.csv"));
        Assert.All(spMax, r => Assert.NotNull(r.Values[1]));

        // Detection: Table 3's l5/l7 (and the -ft rows), Table 1's DET column, Table 6's transforms of the fine-tuned pool5.
        string detection = Path.Combine(report, "detection-det-alexnet");
        var map = Csv(Path.Combine(detection, "detection-map.csv"));
        string[] features = ["pool5", "relu6", "relu7", "pool5+sp-max", "pool5+binarize", "pool5+binarize+loc"];
        Assert.Equal([.. features.Select(f => $"CaffeNet (ImageNet) {f}"), .. features.Select(f => $"CaffeNet (ImageNet) FT {f}")], map.Select(r => r.Label));
        var table3 = Csv(Path.Combine(detection, "paper-table3-beside-caffenet-imagenet.csv"));
        Assert.Equal(["l5", "l7", "l5-ft", "l6-ft", "l7-ft"], table3.Select(r => r.Label));
        Assert.Equal(map.Single(r => r.Label == "CaffeNet (ImageNet) FT relu7").Values[0], table3[^1].Values[0]);
        Assert.Equal(54.1, table3[^1].Values[1]!.Value, 9);
        var table6 = Csv(Path.Combine(detection, "paper-table6-beside-caffenet-imagenet.csv"));
        Assert.Equal(["pool5", "sp-max", "binary", "sm-bn-lc"], table6.Select(r => r.Label));
        Assert.True(File.Exists(Path.Combine(detection, "paper-table1-beside-caffenet-imagenet.csv")));

        // Figures 3 and 5, and the plots.
        foreach (var file in new[] { "layerwise-map.svg", "cls-transforms/transforms.svg", "det-gt/layerwise-map.svg", "det-gt-entropy/entropy-curves.png",
                     "det-gt-grandmother/filters-needed-90.png", "report.html", "README.md" })
            Assert.True(new FileInfo(Path.Combine(report, file)).Length > 500, file);

        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(report, "manifest.json")));
        Assert.Equal("study/voc2007-paper", manifest.RootElement.GetProperty("task").GetString());
        foreach (var o in manifest.RootElement.GetProperty("outputs").EnumerateObject())
        {
            using var stream = File.OpenRead(Path.Combine(report, o.Name));
            Assert.Equal(o.Value.GetString(), Convert.ToHexStringLower(SHA256.HashData(stream)));
        }
        Assert.Contains(dir.Combine("scenes", "VOC2007"), manifest.RootElement.GetProperty("settings").GetProperty("study").GetProperty("data")
            .GetProperty("det-gt").GetProperty("trainval").GetString());
    }

    /// <summary>The beside table: one row per layer the paper has, ours equal to our table, the paper's number, Δ = ours − paper.</summary>
    static void AssertBeside(string path, List<(string Label, double?[] Values)> ours, Dictionary<string, double?> paper)
    {
        var beside = Csv(path);
        Assert.NotEmpty(beside);
        foreach (var (label, values) in beside)
        {
            string layer = label.Split(' ')[0];
            Assert.Equal(ours.Single(r => r.Label == layer).Values[^1]!.Value, values[0]!.Value, 9);
            Assert.Equal(paper[layer]!.Value, values[1]!.Value, 9);
            Assert.Equal(values[0]!.Value - values[1]!.Value, values[2]!.Value, 9);
        }
        Assert.Equal(ours.Count(r => paper.ContainsKey(r.Label)), beside.Count);
    }

    static List<(string Label, double?[] Values)> Csv(string path) =>
        File.ReadAllLines(path).Skip(1).Select(l => l.Split(',')).Select(c => (c[0],
            c.Skip(1).Select(v => double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : (double?)null).ToArray())).ToList();
}
