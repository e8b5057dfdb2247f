using System.Security.Cryptography;
using System.Text.Json;
using LayerProbe.Cli;
using LayerProbe.Studies;

namespace LayerProbe.Tests.Studies;

/// <summary>The README's main command, end to end on a tiny subset: a complete report whose manifest hashes hold.</summary>
[Collection("Console")]
public class DemoCommandTests
{
    [Fact]
    public void Demo_writes_the_layerwise_report_with_a_verifiable_manifest()
    {
        string output = Directory.CreateTempSubdirectory("demo").FullName;
        try
        {
            var log = new StringWriter();
            var saved = Console.Error;
            Console.SetError(log);
            try
            {
                Assert.Equal(0, CliApp.Run(["demo", "--out", output, "--trainval-per-class", "4", "--test-per-class", "3", "--size", "32"]));
            }
            finally { Console.SetError(saved); }

            string report = Path.Combine(output, "report");
            var rows = File.ReadAllLines(Path.Combine(report, "layerwise.csv")).Skip(1).Select(l => l.Split(',')).ToList();
            Assert.Equal(DemoStudy.Layers, rows.Select(r => r[0]));
            foreach (var row in rows)
            {
                double map = double.Parse(row[^1], System.Globalization.CultureInfo.InvariantCulture);
                Assert.InRange(map, 10, 100);  // 10 classes: chance-level AP is about 10%
            }
            Assert.True(new FileInfo(Path.Combine(report, "layerwise-map.png")).Length > 1000);
            Assert.Contains("Table 9", File.ReadAllText(Path.Combine(report, "README.md")));

            // The training section: one evolution column per snapshot of the pre-training run, a conv1 grid for each, the
            // fine-tuning tables, all in the README and the manifest.
            var plan = DemoTrainingSection.Plan.For(new DemoOptions { TrainPerClass = 4 });
            var evolution = File.ReadAllLines(Path.Combine(report, "evolution.csv"));
            Assert.Equal(["layer", .. plan.Snapshots.Select(i => $"iter {i}")], evolution[0].Split(','));
            Assert.Equal(8, evolution.Length);
            Assert.Contains("## Training studies", File.ReadAllText(Path.Combine(report, "README.md")));
            var fineTuning = File.ReadAllLines(Path.Combine(report, "finetune-effect.csv")).Skip(1).Select(l => l.Split(',')).ToList();
            foreach (var row in fineTuning.Take(5)) Assert.Equal("0", row[4]); // fc-only: conv layers frozen, probes unchanged

            AssertAnalysisSections(report);
            AssertDetectionSection(report);

            using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(report, "manifest.json")));
            var outputs = manifest.RootElement.GetProperty("outputs").EnumerateObject().ToList();
            Assert.Contains(outputs, o => o.Name == "layerwise.csv");
            Assert.Contains(outputs, o => o.Name == "evolution.csv");
            Assert.Contains(outputs, o => o.Name == $"conv1-iter-{plan.Snapshots[^1]}.png");
            Assert.Contains(outputs, o => o.Name == "finetune-representations.csv");
            foreach (var file in SectionFiles) Assert.Contains(outputs, o => o.Name == file);
            var measurements = manifest.RootElement.GetProperty("measurements");
            foreach (var section in new[] { "transforms", "entropy", "grandmother", "heads", "cka", "training", "detection" })
            {
                Assert.InRange(measurements.GetProperty($"{section}.wall_seconds").GetDouble(), 0, 600);
                Assert.InRange(measurements.GetProperty($"{section}.peak_rss_mib").GetDouble(), 1, 1 << 16);
            }
            foreach (var o in outputs)
            {
                using var stream = File.OpenRead(Path.Combine(report, o.Name));
                Assert.Equal(o.Value.GetString(), Convert.ToHexStringLower(SHA256.HashData(stream)));
            }
            Assert.StartsWith("sha256:", manifest.RootElement.GetProperty("inputs").GetProperty("network").GetString()!.Split(' ')[1]);
            AssertReportPage(report, outputs.Select(o => o.Name).ToList());
            Assert.DoesNotContain("layerprobe:", log.ToString());
        }
        finally { Directory.Delete(output, recursive: true); } // features + report of a tiny run: ~25 MB per run
    }

    /// <summary>
    /// report.html: listed in the manifest, one page holding every section's heading and the plots inline; where
    /// chromium is installed, it loads with nothing missing and no error, and its first screen is saved beside it.
    /// </summary>
    static void AssertReportPage(string report, IReadOnlyList<string> outputs)
    {
        Assert.Contains("report.html", outputs);
        string html = File.ReadAllText(Path.Combine(report, "report.html"));
        foreach (var heading in new[] { "Layer-wise probes", "Feature transforms", "Label entropy", "Grandmother cells", "Non-linear heads",
                     "Linear CKA", "Training studies", "Provenance" })
            Assert.Contains(heading, html);
        Assert.Contains("Section time", html);
        int detection = html.IndexOf("<h2 id=\"detection-r-cnn-on-fashion-mnist-scenes\">", StringComparison.Ordinal);
        Assert.True(detection > 0);
        Assert.Equal(9, System.Text.RegularExpressions.Regex.Count(html[..detection], "<svg "));   // every plot but the conv1 tiles (PNG, embedded)
        Assert.Contains("data:image/jpeg;base64,", html[detection..]);                            // the detection pictures, inline
        Assert.Equal(2, System.Text.RegularExpressions.Regex.Count(html, "<img src=\"data:image/png;base64,"));
        Assert.DoesNotContain("src=\"conv1", html);   // PNG-only figures are embedded, not linked
        if (LayerProbe.Tests.Reports.HeadlessChromium.SkipReason is not null) return;
        var check = LayerProbe.Tests.Reports.HeadlessChromium.Load(Path.Combine(report, "report.html"), Path.Combine(report, "report-screenshot.png"));
        Assert.Empty(check.Problems);
        Assert.True(new FileInfo(Path.Combine(report, "report-screenshot.png")).Length > 10_000);
    }

    /// <summary>
    /// The detection section in tiny mode: the ResNet-18 (res4b, res5c, pool5; warp beside shared-conv) and the training
    /// step's CaffeNet-mini (pool5, relu6, relu7) before and after fine-tuning for detection, each feature's mAP equal to
    /// its run's own table, Tables 1 and 3 beside, pictures and the proposals' recall stated.
    /// </summary>
    static void AssertDetectionSection(string report)
    {
        string step = Path.Combine(report, "detection");
        var map = File.ReadAllLines(Path.Combine(step, "detection-map.csv")).Skip(1).Select(l => l.Split(',')).ToList();
        const string resnet = "ResNet-18 (ImageNet)", mini = "CaffeNet-mini ft-full (demo training)";
        Assert.Equal([.. new[] { "res4b", "res5c", "pool5" }.Select(l => $"{resnet} {l}"), .. new[] { "pool5", "relu6", "relu7" }.Select(l => $"{mini} {l}"),
            .. new[] { "pool5", "relu6", "relu7" }.Select(l => $"{mini} FT {l}")], map.Select(r => r[0].Trim('"')));
        string header = File.ReadAllLines(Path.Combine(step, "detection-map.csv"))[0];
        Assert.StartsWith("network / feature,mAP warp,", header);
        Assert.Contains(",mAP shared-conv", header);
        var own = File.ReadAllLines(Path.Combine(step, "resnet-18-imagenet-warp", "detection.csv")).Skip(1).Select(l => l.Split(',')).ToList();
        Assert.Contains(",mAP + BB warp,", header);    // box regression: a second column per mode
        foreach (var row in own)
        {
            bool regressed = row[0].EndsWith(" + BB", StringComparison.Ordinal);  // the run's table has a "LAYER + BB" row after each layer
            string layer = regressed ? row[0][..^" + BB".Length] : row[0];
            Assert.Equal(row[^1], map.Single(r => r[0].Trim('"') == $"{resnet} {layer}")[regressed ? 2 : 1]);
        }
        var cost = File.ReadAllLines(Path.Combine(step, "detection-cost.csv")).Skip(1).Select(l => l.Split(',')[0].Trim('"')).ToList();
        Assert.Equal([$"{resnet} warp", $"{resnet} shared-conv", $"{mini} warp", $"{mini} FT warp"], cost);
        foreach (var file in new[] { "paper-table1-beside-caffenet-mini-ft-full-demo-training.csv", "paper-table3-beside-caffenet-mini-ft-full-demo-training.csv",
                     "paper-table3-beside-resnet-18-imagenet.csv", "detection-finetune-caffenet-mini-ft-full-demo-training.csv" })
            Assert.True(File.Exists(Path.Combine(step, file)), file);
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(step, "caffenet-mini-ft-full-demo-training-ft-warp", "detection-pictures"), "*.svg"));
        Assert.Contains("recall", File.ReadAllText(Path.Combine(report, "README.md")));
    }

    /// <summary>Tables and plots of the "what layers encode" sections that the manifest must list.</summary>
    static readonly string[] SectionFiles =
    [
        "transforms/transforms.csv", "transforms/transforms.md", "transforms/transforms.json", "transforms/paper-table7.csv",
        "transforms/paper-table6.csv", "transforms/transforms.png", "transforms/manifest.json",
        "entropy/entropy-summary.csv", "entropy/entropy-curves.png", "entropy/manifest.json",
        "grandmother/filters-needed.csv", "grandmother/filters-needed-90.png", "grandmother/ap-vs-filters.png",
        "heads/heads.csv", "heads/heads.png", "heads/versus-pool5/heads-vs-pool5.csv",
        "cka/cka.csv", "cka/cka.png",
    ];

    static void AssertAnalysisSections(string report)
    {
        var transforms = Csv(Path.Combine(report, "transforms", "transforms.csv"));
        Assert.Equal(["layer", .. DemoTransformsSection.Transforms], transforms.Header);
        Assert.Equal(DemoTransformsSection.Layers, transforms.Rows.Select(r => r.Label));
        foreach (var (label, values) in transforms.Rows)
        {
            Assert.NotNull(values[0]);                                   // unroll: the layer-wise probe itself
            Assert.NotNull(values[3]);                                   // binarize applies to every layer
            foreach (var v in values.Where(v => v is not null)) Assert.InRange(v!.Value, 0.1, 100 + 1e-9);
        }
        Assert.All(transforms.Rows.Single(r => r.Label == "pool5").Values.Where((_, t) => t is not (0 or 3)), Assert.Null);
        Assert.All(transforms.Rows.Single(r => r.Label == "pool1").Values, v => Assert.NotNull(v));

        var entropy = Csv(Path.Combine(report, "entropy", "entropy-summary.csv"));
        Assert.Equal(DemoStudy.Layers.Length, entropy.Rows.Count);
        foreach (var (label, values) in entropy.Rows)
        {
            Assert.InRange(values[0]!.Value, 0, Math.Log2(10) + 1e-9);  // mean E_u (R), bits
            Assert.InRange(values[2]!.Value, 0, 1 + 1e-9);              // mean E_u / H(prior)
        }

        var needed = Csv(Path.Combine(report, "grandmother", "filters-needed.csv"));
        Assert.Equal(LayerProbe.Data.FashionMnist.ClassNames, needed.Rows.Select(r => r.Label));
        foreach (var (_, values) in needed.Rows)
        {
            Assert.InRange(values[0]!.Value, 0, 100 + 1e-9);  // AP with all filters (%)
            Assert.InRange(values[1]!.Value, 1, values[2]!.Value);      // 1 ≤ k50 ≤ k90
            Assert.InRange(values[2]!.Value, 1, 512);
        }

        var heads = Csv(Path.Combine(report, "heads", "heads.csv"));
        Assert.Equal(5, heads.Rows.Count);
        var mapColumn = Array.IndexOf(heads.Header, "mAP") - 1;
        foreach (var (_, values) in heads.Rows) Assert.InRange(values[mapColumn]!.Value, 0.1, 100 + 1e-9);
        var versus = Csv(Path.Combine(report, "heads", "versus-pool5", "heads-vs-pool5.csv"));
        Assert.Equal(7, versus.Rows.Count);
        Assert.StartsWith("pool5: linear probe", versus.Rows[^1].Label);

        var cka = Csv(Path.Combine(report, "cka", "cka.csv"));
        Assert.Equal(DemoStudy.Layers, cka.Rows.Select(r => r.Label));
        for (int i = 0; i < cka.Rows.Count; i++)
        {
            Assert.Equal(1.0, cka.Rows[i].Values[i]!.Value, 9);
            foreach (var v in cka.Rows[i].Values) Assert.InRange(v!.Value, -1e-9, 1 + 1e-9);
        }

        foreach (var png in SectionFiles.Where(f => f.EndsWith(".png")))
        {
            var bytes = File.ReadAllBytes(Path.Combine(report, png));
            Assert.True(bytes.Length > 1000, png);
            Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, bytes[..4]);
        }
        string readme = File.ReadAllText(Path.Combine(report, "README.md"));
        foreach (var heading in new[] { "Feature transforms", "Label entropy", "Grandmother cells", "Non-linear heads", "Linear CKA", "Time and memory" })
            Assert.Contains(heading, readme);
    }

    /// <summary>A report CSV (labels without commas): header and (label, values) rows, empty cells as null.</summary>
    static (string[] Header, List<(string Label, double?[] Values)> Rows) Csv(string path)
    {
        var lines = File.ReadAllLines(path);
        var rows = lines.Skip(1).Select(l => l.Split(',')).Select(c => (c[0], c.Skip(1).Select(v =>
            v.Length == 0 ? (double?)null : double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray())).ToList();
        return (lines[0].Split(','), rows);
    }

    [Fact]
    public void Demo_refuses_impossible_sizes_with_one_line()
    {
        var log = new StringWriter();
        var saved = Console.Error;
        Console.SetError(log);
        try { Assert.Equal(2, CliApp.Run(["demo", "--size", "8"])); }
        finally { Console.SetError(saved); }
        Assert.Equal("layerprobe: demo: --size 8 is too small for ResNet-18 (≥ 32)", log.ToString().Trim());
    }
}
