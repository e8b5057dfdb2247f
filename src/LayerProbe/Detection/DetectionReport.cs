using LayerProbe.Regions;
using LayerProbe.Reports;

namespace LayerProbe.Detection;

/// <summary>
/// The report of a detection task: AP per class and layer with mAP (11-point, VOC 2007), with box regression a row
/// "LAYER + BB" of the regressed APs under each layer and a per-layer table of mAP beside "mAP + BB" (the paper's
/// "BB" rows); what each layer's scoring, pruning, NMS and box regression cost, precision–recall curves per class and
/// layer, and pictures of a few test images with their ground truth and best detections (before box regression).
/// Classes left out of a mean are named under the table.
/// </summary>
public static class DetectionReport
{
    /// <summary>Suffix of the rows and column of results after bounding-box regression (the paper's "BB").</summary>
    public const string BoxRegressed = " + BB";

    /// <summary>
    /// Layers × (classes + mAP), AP in %: "–" for a class without a detector or without test positives, NaN where the
    /// devkit's AP is NaN. A layer with box regression is followed by its row "LAYER + BB" of regressed APs.
    /// </summary>
    public static ResultTable ApTable(string title, IReadOnlyList<LayerDetection> layers)
    {
        var classes = layers[0].Result.Classes.Select(c => c.ClassName).ToList();
        var table = new ResultTable(title, "layer", [.. classes, "mAP"]);
        foreach (var l in layers)
        {
            Row(table, l.Layer, l.Result);
            if (l.Regressed is { } regressed) Row(table, l.Layer + BoxRegressed, regressed);
        }
        if (layers.Any(l => l.Regression is not null))
            table.Note($"+ BB: the same detections after bounding-box regression (docs/method.md §6.6) from {string.Join(", ", layers.Select(l => l.Regression?.Feature).OfType<string>().Distinct())}");
        return table;
    }

    static void Row(ResultTable table, string label, DetectionResult result)
    {
        table.Add(label, result.Classes.Select(c => c.HasDetector && c.Ap.IsValid ? 100 * c.Ap.ElevenPoint : (double?)null)
            .Append(100 * result.Mean.ElevenPoint));
        table.Note(result.Note is { } note ? $"{label}: {note}" : "");
    }

    /// <summary>Per layer: mAP (%) without and with bounding-box regression ("mAP + BB") and what the regression read.</summary>
    public static ResultTable MapTable(string title, IReadOnlyList<LayerDetection> layers)
    {
        var table = new ResultTable(title, "layer", ["dimensions", "mAP", "mAP" + BoxRegressed, "difference"]);
        foreach (var l in layers)
        {
            double map = 100 * l.Result.Mean.ElevenPoint;
            double? bb = l.Regressed is { } r ? 100 * r.Mean.ElevenPoint : null;
            table.Add(l.Layer, [l.Dimensions, map, bb, bb - map]);
        }
        foreach (var feature in layers.Select(l => l.Regression).OfType<BoxRegressionRun>().DistinctBy(r => r.RegressorFile))
            table.Note($"box regressors on {feature.Feature}: {feature.RegressorFile}" +
                       (feature.WithoutRegressor.Count > 0 ? $"; no training pairs (boxes only clipped): {string.Join(", ", feature.WithoutRegressor)}" : ""));
        return table;
    }

    /// <summary>Per layer: dimensions, proposals scored, scoring + pruning + NMS seconds and proposals/s, detections kept, training seconds and retrains.</summary>
    public static ResultTable CostTable(IReadOnlyList<LayerDetection> layers)
    {
        bool regression = layers.Any(l => l.Regression is not null);
        string[] bbColumns = regression ? ["box regression training seconds", "box regression seconds"] : [];
        var table = new ResultTable("Detection per layer: proposals scored and suppressed per second (scoring + pruning + NMS), detector training",
            "layer", ["dimensions", "proposals", "seconds", "proposals/s", "detections kept", "training seconds", "retrains", .. bbColumns]) { Format = "G4" };
        foreach (var l in layers)
        {
            double?[] values = [l.Dimensions, l.Result.ProposalsScored, l.Result.ScoringSeconds, Math.Round(l.Result.ProposalsPerSecond),
                l.Result.Classes.Sum(c => c.Detections.Count), l.Training?.Seconds, l.Training?.Retrains.Count];
            table.Add(l.Layer, regression ? [.. values, l.Regression?.TrainingSeconds, l.Regression?.ApplySeconds] : values);
        }
        if (layers.Any(l => l.Training is null)) table.Note("training columns empty: the detectors were read from their file (trained by an earlier run with the same stores and settings)");
        if (layers.Any(l => l.Regression is { TrainingSeconds: null }))
            table.Note("box regression training empty: the regressors were read from their file (trained for an earlier layer or run; one set per feature they read)");
        return table;
    }

    /// <summary>The precision–recall curves of one layer's classes (those with a detector and test positives) as <c>{stem}.png/.svg</c>.</summary>
    public static void PrecisionRecall(string directory, string stem, string title, DetectionResult result)
    {
        var series = new List<(string, IReadOnlyList<double>, IReadOnlyList<double>)>();
        foreach (var c in result.Classes.Where(c => c.Match is not null && c.Ap.IsValid))
        {
            var (recall, precision) = c.Match!.Curve();
            series.Add(($"{c.ClassName} {100 * c.Ap.ElevenPoint:F1}", [0, .. recall], [1, .. precision]));
        }
        Plots.Curves(title, "recall", "precision", series, Path.Combine(directory, stem), result.Note);
    }

    /// <summary>
    /// Pictures of the first <see cref="DetectionSettings.PictureImages"/> test images with their ground truth and, per
    /// class, the best <see cref="DetectionSettings.PicturePerClass"/> detections scoring at least
    /// <see cref="DetectionSettings.PictureMinScore"/> (the image's single best detection when none does), as
    /// <c>{folder}/{image}.svg</c>; returns the stems relative to
    /// <paramref name="directory"/>.
    /// </summary>
    public static IReadOnlyList<string> Pictures(string directory, string folder, VocRegions test, DetectionResult result)
    {
        var s = result.Settings;
        var stems = new List<string>();
        for (int i = 0; i < Math.Min(s.PictureImages, test.Images); i++)
        {
            var annotation = test.Annotation(i);
            var drawn = new List<(int, Probes.Detection)>();
            for (int c = 0; c < result.Classes.Count; c++)
                drawn.AddRange(result.Classes[c].Detections.Where(d => d.ImageId == annotation.ImageId && d.Score >= s.PictureMinScore)
                    .OrderByDescending(d => d.Score).Take(s.PicturePerClass).Select(d => (c, d)));
            if (drawn.Count == 0) // weak detectors: still show the image's best detection rather than none
                drawn.AddRange(result.Classes.SelectMany((cls, c) => cls.Detections.Where(d => d.ImageId == annotation.ImageId).Select(d => (c, d)))
                    .OrderByDescending(x => x.d.Score).Take(1));
            string stem = Path.Combine(folder, annotation.ImageId);
            DetectionPictures.Write(Path.Combine(directory, stem + ".svg"), annotation, test.Devkit.ImagePath(annotation.ImageId), test.Classes, drawn);
            stems.Add(stem);
        }
        return stems;
    }

    /// <summary>
    /// Writes the tables (<c>{stem}.md/.csv/.json</c>, <c>{stem}-cost.*</c>), the PR curves (<c>{stem}-pr-LAYER</c>) and
    /// the pictures of the layer with the best mAP (<c>pictures/</c>); returns the report page's blocks and the files.
    /// </summary>
    public static (IReadOnlyList<ReportBlock> Blocks, IReadOnlyList<string> Files) Write(string directory, string stem, string title,
        IReadOnlyList<LayerDetection> layers, VocRegions test)
    {
        var files = new List<string>();
        var ap = ApTable(title, layers);
        var cost = CostTable(layers);
        files.AddRange(TableWriters.WriteAll(ap, directory, stem));
        files.AddRange(TableWriters.WriteAll(cost, directory, stem + "-cost"));
        var page = new ReportPage(title);
        if (layers.Any(l => l.Regressed is not null))
        {
            var map = MapTable(MapTitle(title), layers);
            files.AddRange(TableWriters.WriteAll(map, directory, stem + "-map"));
            page.Table(map);
        }
        page.Table(ap).Table(cost);
        foreach (var l in layers)
        {
            string prStem = $"{stem}-pr-{Safe(l.Layer)}";
            PrecisionRecall(directory, prStem, $"Precision–recall per class: {l.Layer} on {test.Name}", l.Result);
            files.AddRange([prStem + ".png", prStem + ".svg"]);
            page.Figure(prStem, $"Precision against recall per class, {l.Layer} (AP % in the legend)");
        }
        var best = layers.Where(l => !double.IsNaN(l.Result.Mean.ElevenPoint)).MaxBy(l => l.Result.Mean.ElevenPoint) ?? layers[^1];
        var s = best.Result.Settings;
        page.Paragraph($"Test images with their ground truth (dashed white; difficult objects marked) and the detections of {best.Layer} (the layer with the best mAP), before box regression: " +
                       $"per class the best {s.PicturePerClass} after NMS scoring at least {s.PictureMinScore:G3} (where none does, the image's best detection), with class and score.");
        foreach (var picture in Pictures(directory, $"{stem}-pictures", test, best.Result))
        {
            files.Add(picture + ".svg");
            page.Figure(picture, $"{Path.GetFileName(picture)}: ground truth and {best.Layer} detections");
        }
        return (page.Blocks, files);
    }

    /// <summary>The per-layer table's title for an AP table titled <paramref name="title"/>.</summary>
    public static string MapTitle(string title) => $"{title}: mAP with and without bounding-box regression";

    static string Safe(string layer) => string.Concat(layer.Select(ch => char.IsLetterOrDigit(ch) || ch is '-' or '_' ? ch : '_'));
}
