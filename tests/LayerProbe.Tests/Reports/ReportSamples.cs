using LayerProbe.Analyses;
using LayerProbe.Probes;
using LayerProbe.Reports;

namespace LayerProbe.Tests.Reports;

/// <summary>Hand-made probe results and report folders for the report tests.</summary>
static class ReportSamples
{
    public static readonly string[] Classes = ["aeroplane", "bicycle", "bird"];

    /// <summary>A layer's result: AP per class in % (null = no positives), C chosen from a four-value grid.</summary>
    public static LayerProbeResult Layer(string name, double?[] apPercent, double chosenC, double seconds = 1.5)
    {
        var perClass = Classes.Select((c, k) => (c, apPercent[k] is { } ap
            ? new ApResult(ap / 100, ap / 100 - 0.01, 10, 8, 2) : default)).ToList();
        double[] grid = [1e-4, 1e-3, 1e-2, 0.1];
        var points = grid.Select(c => new CGridPoint(c, c == chosenC ? 0.6 : 0.5, [])).ToList();
        var record = new ProbeTrainingRecord("dual-cd", points, chosenC, SvmSettings.RcnnDetection with { C = chosenC }, null, 20, 20);
        return new LayerProbeResult(name, [4, 3, 3], perClass, MeanAp.Of(perClass), record, seconds);
    }

    /// <summary>pool5 and relu7 with no positives for "bird"; relu7's C is the largest of the grid.</summary>
    public static IReadOnlyList<LayerProbeResult> Results() =>
        [Layer("pool5", [62.5, 70.24, null], 1e-3), Layer("relu7", [80.0, 75.0, null], 0.1)];

    /// <summary>A report folder with the layer-wise files, a page and its manifest; returns the page's path.</summary>
    public static string WriteProbeReport(string directory)
    {
        var results = Results();
        const string title = "AP (%) per layer of caffenet.onnx on voc/test/images";
        const string plotTitle = "mAP per layer: caffenet.onnx on voc/test/images";
        var files = LayerwiseReport.Write(directory, "probe", title, results, plotTitle);
        var manifest = new Manifest
        {
            Task = "probe",
            Inputs = { ["network"] = "/models/caffenet.onnx sha256:" + new string('a', 64), ["test"] = "voc/test/images 0123abcd" },
            Settings = { ["layers"] = results.Select(r => r.Layer).ToArray(), ["probe"] = results.Select(r => new { r.Layer, r.Training }).ToList() },
            Measurements = { ["wall_seconds"] = 12.5, ["peak_rss_mib"] = 812 },
        }.WithOutputs(directory, files);
        var page = LayerwiseReport.Page("probe", title, plotTitle, results, "Linear SVM probes of `pool5` and `relu7`.");
        manifest.WithOutputs(directory, [HtmlReport.Write(page, directory, manifest)]).Write(Path.Combine(directory, "manifest.json"));
        return Path.Combine(directory, HtmlReport.FileName);
    }
}
