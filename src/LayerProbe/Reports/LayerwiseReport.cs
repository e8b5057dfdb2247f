using LayerProbe.Analyses;

namespace LayerProbe.Reports;

/// <summary>
/// Writes the layer-wise probe results: per-class AP and mAP per layer (11-point, the VOC07 protocol, and area AP),
/// as Markdown/CSV/JSON, and a plot of mAP against depth.
/// </summary>
public static class LayerwiseReport
{
    /// <summary>The layers × (classes + mAP) table in percent, 11-point AP.</summary>
    public static ResultTable ElevenPointTable(string title, IReadOnlyList<LayerProbeResult> results) =>
        Table(title, results, ap => ap.ElevenPoint, m => m.ElevenPoint);

    /// <summary>The same with VOC2010+ area AP.</summary>
    public static ResultTable AreaTable(string title, IReadOnlyList<LayerProbeResult> results) =>
        Table(title, results, ap => ap.Area, m => m.Area);

    /// <summary>Writes <c>{stem}.md/.csv/.json</c>, <c>{stem}-area.*</c> and <c>{stem}-map.png/.svg</c>; returns the written file names.</summary>
    public static IReadOnlyList<string> Write(string directory, string stem, string title, IReadOnlyList<LayerProbeResult> results,
        string plotTitle = "mAP per layer (linear SVM probes)")
    {
        var elevenPoint = TableWriters.WriteAll(ElevenPointTable(title, results), directory, stem);
        var area = TableWriters.WriteAll(AreaTable(title + " (area AP)", results), directory, stem + "-area");
        Plots.Bars(plotTitle, "mAP (%)", results.Select(r => r.Layer).ToList(),
            results.Select(r => 100 * r.Mean.ElevenPoint).ToList(), Path.Combine(directory, stem + "-map"));
        return [.. elevenPoint, .. area, stem + "-map.png", stem + "-map.svg"];
    }

    static ResultTable Table(string title, IReadOnlyList<LayerProbeResult> results,
        Func<Probes.ApResult, double> ap, Func<Probes.MeanAp, double> map)
    {
        var classes = results.Count == 0 ? [] : results[0].PerClass.Select(c => c.ClassName).ToList();
        var table = new ResultTable(title, "layer", [.. classes, "mAP"]);
        foreach (var r in results)
        {
            table.Add(r.Layer, r.PerClass.Select(c => c.Ap.IsValid ? 100 * ap(c.Ap) : (double?)null).Append(100 * map(r.Mean)));
            if (r.Mean.Note is { } note) table.Notes.Add($"{r.Layer}: {note}");
        }
        return table;
    }
}
