using System.Diagnostics;
using LayerProbe.Reports;

namespace LayerProbe.Studies.Files;

/// <summary>
/// Runs a study's steps in order and writes its report: each step's files, <c>README.md</c> and <c>report.html</c>
/// (the study's description, time and memory per step, then every step's blocks) and <c>manifest.json</c>, whose
/// <c>settings.study</c> is the study as it ran (defaults filled in), so <see cref="Study.FromManifest"/> repeats it.
/// Everything a step computes from features is cached where it is stored: feature stores and transformed stores are
/// content-addressed and resume, so a rerun (or a run after a kill) extracts nothing it already has.
/// </summary>
static class StudyRun
{
    public static StudyResult Run(Study study, TextWriter log)
    {
        var definition = study.Definition;
        var clock = Stopwatch.StartNew();
        // Every network and data specification is resolved before anything is written: a bad path fails in seconds.
        var context = new StudyContext(definition, log);
        foreach (var step in definition.Steps.Where(s => !s.Skip && s is LayerwiseStep)) context.Split(step.Data, step.Network);
        foreach (var step in definition.Steps.OfType<DetectionStep>().Where(s => !s.Skip)) step.CheckData(context);
        string output = OutputFolder.Prepare(definition.Output);
        string report = Path.Combine(output, "report");
        (context.Report, context.FeatureRoot) = (report, Path.Combine(output, "features"));
        log.WriteLine($"study {definition.Name} ({study.Source}): {string.Join(", ", study.Steps)} → {report}");

        var sections = new List<(StudyStep Step, DemoSection Section)>();
        foreach (var step in definition.Steps.Where(s => !s.Skip))
            sections.Add((step, step.Measured ? DemoSection.Measure(step.Folder is { Length: > 0 } f ? f : step.Kind, log, () => step.Run(context)) : step.Run(context)));
        var measured = sections.Where(s => s.Step.Measured).Select(s => s.Section).ToList();
        double peakRss = measured.Select(s => s.PeakRssMegabytes).Append(ResourceUsage.PeakRssMegabytes()).Max();

        var page = new ReportPage(definition.Title);
        if (definition.Description is { } description) page.Paragraph(description);
        page.Paragraph($"Study `{definition.Name}` ({Path.GetFileName(study.Source)}): wall time {clock.Elapsed.TotalSeconds:F0} s, peak RSS {peakRss:F0} MiB. " +
                       "Rerun it with `layerprobe study --rerun report/manifest.json`.")
            .Table(Cost(measured, clock.Elapsed, peakRss));
        foreach (var (step, section) in sections) page.AddRange(step.Measured ? section.BlocksWithCost() : section.Blocks);
        var files = sections.SelectMany(s => s.Section.Files).ToList();
        AtomicFile.WriteText(Path.Combine(report, "README.md"), MarkdownReport.Render(page));
        files.Add("README.md");

        var manifest = new Manifest
        {
            Task = $"study/{definition.Name}",
            Inputs = context.Inputs,
            Settings = { ["study"] = definition.Effective, ["device"] = definition.Extraction.Device, ["layers"] = definition.Layers },
            Measurements = { ["wall_seconds"] = clock.Elapsed.TotalSeconds, ["peak_rss_mib"] = peakRss },
        }.WithOutputs(report, files);
        foreach (var (k, v) in context.Settings) manifest.Settings[k] = v;
        foreach (var section in measured)
            foreach (var (name, value) in section.Measurements) manifest.Measurements[$"{section.Name}.{name}"] = value;
        // The page shows the manifest, so it is written first and then listed in it.
        manifest.WithOutputs(report, [HtmlReport.Write(page, report, manifest)]);
        string manifestPath = Path.Combine(report, "manifest.json");
        manifest.Write(manifestPath);
        log.WriteLine($"study {definition.Name}: report in {report} ({clock.Elapsed.TotalSeconds:F0}s, peak RSS {peakRss:F0} MiB)");
        return new StudyResult(report, manifestPath, context.MeanAp);
    }

    static ResultTable Cost(IReadOnlyList<DemoSection> sections, TimeSpan elapsed, double peakRssMegabytes)
    {
        var cost = new ResultTable("Time and memory per step", "step", ["wall seconds", "peak RSS (MiB)"]) { Format = "F0" };
        foreach (var section in sections) cost.Add(section.Name, [section.Seconds, section.PeakRssMegabytes]);
        cost.Add("whole study", [elapsed.TotalSeconds, peakRssMegabytes]);
        cost.Note($"{Environment.ProcessorCount} cores. Peak RSS is measured from each step's start, after a full garbage collection. " +
                  "The layer-wise steps include extracting their layers.");
        return cost;
    }
}
