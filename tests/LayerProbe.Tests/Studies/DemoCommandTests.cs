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
        var log = new StringWriter();
        var saved = Console.Error;
        Console.SetError(log);
        try
        {
            Assert.Equal(0, CliApp.Run(["demo", "--out", output, "--train-per-class", "4", "--test-per-class", "3", "--size", "32"]));
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

        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(report, "manifest.json")));
        var outputs = manifest.RootElement.GetProperty("outputs").EnumerateObject().ToList();
        Assert.Contains(outputs, o => o.Name == "layerwise.csv");
        Assert.Contains(outputs, o => o.Name == "evolution.csv");
        Assert.Contains(outputs, o => o.Name == $"conv1-iter-{plan.Snapshots[^1]}.png");
        Assert.Contains(outputs, o => o.Name == "finetune-representations.csv");
        foreach (var o in outputs)
        {
            using var stream = File.OpenRead(Path.Combine(report, o.Name));
            Assert.Equal(o.Value.GetString(), Convert.ToHexStringLower(SHA256.HashData(stream)));
        }
        Assert.StartsWith("sha256:", manifest.RootElement.GetProperty("inputs").GetProperty("network").GetString()!.Split(' ')[1]);
        Assert.DoesNotContain("layerprobe:", log.ToString());
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
