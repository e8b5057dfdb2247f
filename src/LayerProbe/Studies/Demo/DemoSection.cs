using System.Diagnostics;
using System.Text.Json;
using LayerProbe.Reports;

namespace LayerProbe.Studies;

/// <summary>
/// One analysis section of the demo report: its sub-folder, the files it wrote (relative to the report folder, for the
/// report manifest), its blocks of the report page (README and report.html) and what was measured (wall seconds, peak
/// RSS, section extras).
/// </summary>
sealed record DemoSection(string Name, IReadOnlyList<ReportBlock> Blocks, IReadOnlyList<string> Files, IReadOnlyDictionary<string, double> Measurements)
{
    /// <summary>Wall seconds of the section.</summary>
    public double Seconds => Measurements["wall_seconds"];
    /// <summary>Peak RSS (MiB) during the section (the process's peak so far where it cannot be reset).</summary>
    public double PeakRssMegabytes => Measurements["peak_rss_mib"];

    /// <summary>The blocks with a line of the section's wall time and peak RSS after its heading.</summary>
    public IReadOnlyList<ReportBlock> BlocksWithCost()
    {
        var cost = new ReportParagraph(System.FormattableString.Invariant($"*Section time {Seconds:F1} s, peak RSS {PeakRssMegabytes:F0} MiB.*"));
        int heading = Blocks.ToList().FindIndex(b => b is ReportHeading);
        return [.. Blocks.Take(heading + 1), cost, .. Blocks.Skip(heading + 1)];
    }

    /// <summary>
    /// Runs a section with the peak RSS reset at its start (after a full, compacting garbage collection, so garbage of
    /// earlier sections does not count), adds its wall seconds and peak RSS to its measurements and logs one line.
    /// </summary>
    public static DemoSection Measure(string name, TextWriter log, Func<DemoSection> run)
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        ResourceUsage.ResetPeakRss();
        var clock = Stopwatch.StartNew();
        log.WriteLine($"study: step {name}");
        var section = run();
        var measurements = new Dictionary<string, double>(section.Measurements)
        {
            ["wall_seconds"] = clock.Elapsed.TotalSeconds,
            ["peak_rss_mib"] = ResourceUsage.PeakRssMegabytes(),
        };
        log.WriteLine($"study: step {name} done in {measurements["wall_seconds"]:F1}s, peak RSS {measurements["peak_rss_mib"]:F0} MiB");
        return section with { Measurements = measurements };
    }

    /// <summary>
    /// The files of a library analysis written to <paramref name="folder"/> under the report: the outputs its own
    /// <c>manifest.json</c> lists, and that manifest, relative to the report folder.
    /// </summary>
    public static IReadOnlyList<string> FilesOfAnalysis(string report, string folder)
    {
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(report, folder, "manifest.json")));
        return [.. manifest.RootElement.GetProperty("outputs").EnumerateObject().Select(o => $"{folder}/{o.Name}"), $"{folder}/manifest.json"];
    }
}
