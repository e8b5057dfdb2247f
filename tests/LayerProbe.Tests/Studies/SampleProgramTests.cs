using System.Globalization;
using System.Reflection;
using LayerProbe.Tests.Data;

namespace LayerProbe.Tests.Studies;

/// <summary>
/// samples/LayerProbe.Sample — a console program that uses only the front door (Study, Probe) — is built with the
/// tests (a project reference) and run here: it must succeed, and its two routes to the same probe (a study file's
/// layer-wise step and Probe.Layerwise with the same network, data and settings) must give the same mAP.
/// </summary>
[Collection("Console")]
public class SampleProgramTests
{
    [Fact]
    public void Sample_program_runs_through_the_facade_and_both_routes_agree()
    {
        using var dir = new TempDir();
        var entry = Assembly.Load("LayerProbe.Sample").EntryPoint!;
        var output = new StringWriter();
        var (savedOut, savedError) = (Console.Out, Console.Error);
        Console.SetOut(output);
        Console.SetError(output);
        object? code;
        try { code = entry.Invoke(null, [new[] { dir.Path }]); }
        finally { Console.SetOut(savedOut); Console.SetError(savedError); }
        Assert.True(code is 0, output.ToString());

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd().Split('\t')).ToList();
        double Map(string route, string layer) =>
            double.Parse(lines.Single(l => l[0] == route && l[1] == layer)[2], CultureInfo.InvariantCulture);
        foreach (var layer in new[] { "res3b", "pool5" })
            Assert.Equal(Map("study", $"layerwise/{layer}"), Map("probe", layer));
        Assert.True(File.Exists(Path.Combine(dir.Path, "study", "report", "report.html")));
    }

    [Fact]
    public void Sample_uses_only_the_front_door()
    {
        string source = File.ReadAllText(Path.Combine(StudyFileTests.Root, "samples", "LayerProbe.Sample", "Program.cs"));
        var usings = source.Split('\n').Where(l => l.StartsWith("using ")).Select(l => l.Trim()).ToList();
        Assert.Equal(["using LayerProbe;", "using LayerProbe.Studies;"], usings);
        // the library's public types it names are the façade's
        string[] facade = ["Study", "StudyResult", "Probe", "ProbeOptions", "LayerProbeException"];
        var named = System.Text.RegularExpressions.Regex.Matches(source, @"(?<!\.)\b[A-Z]\w+\b").Select(m => m.Value).Distinct()
            .Where(n => typeof(Probe).Assembly.GetExportedTypes().Any(t => t.Name == n)).ToList();
        Assert.All(named, n => Assert.Contains(n, facade));
        Assert.Contains("Study", named);
        Assert.Contains("Probe", named);
    }
}
