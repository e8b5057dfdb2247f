using LayerProbe.Analyses;

namespace LayerProbe.Reports;

/// <summary>
/// Writes the layer-wise probe results: per-class AP and mAP per layer (11-point, the VOC07 protocol, and area AP),
/// as Markdown/CSV/JSON, and a plot of mAP against depth. Classes left out of the mean (no positives) and a C chosen at
/// the edge of its grid are stated under the tables and the plot.
/// </summary>
public static class LayerwiseReport
{
    /// <summary>The layers × (classes + mAP) table in percent, 11-point AP.</summary>
    public static ResultTable ElevenPointTable(string title, IReadOnlyList<LayerProbeResult> results) =>
        Table(title, results, ap => ap.ElevenPoint, m => m.ElevenPoint);

    /// <summary>The same with VOC2010+ area AP.</summary>
    public static ResultTable AreaTable(string title, IReadOnlyList<LayerProbeResult> results) =>
        Table(title, results, ap => ap.Area, m => m.Area);

    /// <summary>Writes <c>{stem}.md/.csv/.json</c>, <c>{stem}-area.*</c> and <c>{stem}-map.png/.svg</c>; returns the written file names.
    /// <paramref name="plotTitle"/> should name the network and the data.</summary>
    public static IReadOnlyList<string> Write(string directory, string stem, string title, IReadOnlyList<LayerProbeResult> results,
        string plotTitle)
    {
        var elevenPoint = TableWriters.WriteAll(ElevenPointTable(title, results), directory, stem);
        var area = TableWriters.WriteAll(AreaTable(title + " (area AP)", results), directory, stem + "-area");
        Plots.Bars(plotTitle, "mAP (%)", results.Select(r => r.Layer).ToList(),
            results.Select(r => 100 * r.Mean.ElevenPoint).ToList(), Path.Combine(directory, stem + "-map"), SkippedClassesNote(results));
        return [.. elevenPoint, .. area, stem + "-map.png", stem + "-map.svg"];
    }

    /// <summary>
    /// The report page of a layer-wise probe run (report.html): the 11-point table, the plot, the area-AP table, each
    /// layer's probe details (dimensions, chosen C, validation mAP, seconds), and the paper's Table 9 beside ours where a
    /// probed layer has a Table 9 name. <paramref name="stem"/> is the file stem <see cref="Write"/> used.
    /// </summary>
    public static ReportPage Page(string stem, string title, string plotTitle, IReadOnlyList<LayerProbeResult> results, string summary)
    {
        var elevenPoint = ElevenPointTable(title, results);
        var details = new ResultTable("Probe of each layer: feature dimensions, C chosen on validation, its validation mAP (%), seconds",
            "layer", ["dimensions", "C", "validation mAP", "seconds"]) { Format = "G3" };
        foreach (var r in results)
            details.Add(r.Layer, [r.Dimensions, r.Training.ChosenC, 100 * r.Training.Grid.First(p => p.C == r.Training.ChosenC).ValidationMeanAp, r.Seconds]);
        details.Note(GridEdgeNote(results) ?? "");
        var page = new ReportPage(title)
            .Paragraph(summary)
            .Heading(2, "Average precision per layer")
            .Table(elevenPoint)
            .Figure(stem + "-map", plotTitle)
            .Table(AreaTable(title + " (area AP)", results))
            .Heading(2, "Probes")
            .Table(details);
        var paper = PaperAnchors.Table9AsTable();
        if (results.Any(r => paper.Rows.Any(p => p.Label == r.Layer)))
            page.Heading(2, "The paper's numbers")
                .Paragraph("The paper measured CaffeNet on PASCAL VOC 2007 (draft Table 9). With that network and data the difference is the " +
                           "reproduction error; with others it shows how far the trend is from the paper's.")
                .Table(PaperComparison.Beside("Ours beside the paper's Table 9 (mAP %)", elevenPoint, paper, [("mAP", "mAP")]));
        return page;
    }

    /// <summary>
    /// The sentence that says which classes have no AP (no positive test items, or none to train on) and so are not in
    /// the mAP; null when every class counts. Tables, plots and the console print this same sentence.
    /// </summary>
    public static string? SkippedClassesNote(IReadOnlyList<LayerProbeResult> results)
    {
        if (results.Count == 0) return null;
        var skipped = results.SelectMany(r => r.Mean.SkippedClasses).Distinct().ToList();
        if (skipped.Count == 0) return null;
        int classes = results[0].PerClass.Count;
        return $"{skipped.Count} of {classes} classes have no positive items to train on or to score, so they have no AP and " +
               $"mAP is the mean over the other {classes - skipped.Count}: {string.Join(", ", skipped)}.";
    }

    /// <summary>
    /// The sentence that flags layers whose C, picked on validation, is the smallest or largest value of its grid (a
    /// value beyond the grid might score higher); null when every C is inside its grid or the grid has one value.
    /// </summary>
    public static string? GridEdgeNote(IReadOnlyList<LayerProbeResult> results)
    {
        var edges = results.Where(r => AtGridEdge(r.Training) is not null)
            .Select(r => $"{r.Layer} (C = {r.Training.ChosenC:G3}, the {AtGridEdge(r.Training)})").ToList();
        if (edges.Count == 0) return null;
        var grid = results[0].Training.Grid.Select(p => p.C.ToString("G3", System.Globalization.CultureInfo.InvariantCulture));
        return $"C chosen at the edge of its grid {{{string.Join(", ", grid)}}}: {string.Join("; ", edges)}. " +
               "A C beyond the grid might score higher; widen the grid to check.";
    }

    /// <summary>"smallest" or "largest" when the chosen C is that end of a grid of two or more values, else null.</summary>
    public static string? AtGridEdge(Probes.ProbeTrainingRecord training)
    {
        if (training.Grid.Count < 2) return null;
        double min = training.Grid.Min(p => p.C), max = training.Grid.Max(p => p.C);
        return training.ChosenC == min ? "smallest" : training.ChosenC == max ? "largest" : null;
    }

    static ResultTable Table(string title, IReadOnlyList<LayerProbeResult> results,
        Func<Probes.ApResult, double> ap, Func<Probes.MeanAp, double> map)
    {
        var classes = results.Count == 0 ? [] : results[0].PerClass.Select(c => c.ClassName).ToList();
        var table = new ResultTable(title, "layer", [.. classes, "mAP"]);
        foreach (var r in results)
        {
            table.Add(r.Layer, r.PerClass.Select(c => c.Ap.IsValid ? 100 * ap(c.Ap) : (double?)null).Append(100 * map(r.Mean)));
            // classes without positives are stated once for all layers below; NaN-by-definition APs per layer
            if (r.Mean.UndefinedClasses.Count > 0)
                table.Note($"{r.Layer}: {string.Join(", ", r.Mean.UndefinedClasses)} left out of the mean: AP NaN as in the devkit (every detection hit a difficult object)");
        }
        table.Note(SkippedClassesNote(results) ?? "");
        table.Note(GridEdgeNote(results) ?? "");
        return table;
    }
}
