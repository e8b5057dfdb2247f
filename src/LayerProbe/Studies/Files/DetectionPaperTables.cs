using LayerProbe.Detection;
using LayerProbe.Reports;

namespace LayerProbe.Studies.Files;

/// <summary>One network's detection in a step, as the paper's tables compare it: before and (when asked) after fine-tuning for detection.</summary>
/// <param name="Label">How tables name the network.</param>
/// <param name="Before">The run on the network as given (the step's first region mode).</param>
/// <param name="After">The run on the network fine-tuned for detection, or null.</param>
sealed record DetectionComparison(string Label, DetectionRunResult Before, DetectionRunResult? After);

/// <summary>
/// The paper's detection tables a detection step stands beside (<c>paper: [table1, table3, table6]</c>): ours, the
/// paper's and Δ = ours − paper, through <see cref="PaperComparison"/>. Our layers take the paper's row names where
/// the layer is one the paper reports (pool5 → l5, fc6/relu6 → l6, fc7/relu7 → l7; "-ft" after fine-tuning); other
/// layers are named under the table as not compared. Per-class AP is compared only for classes both have (VOC's);
/// on other data (the Fashion-MNIST scenes) only the mAP rows stand beside, and the table says so.
/// </summary>
static class DetectionPaperTables
{
    /// <summary>The tables a detection step can stand beside.</summary>
    public static readonly string[] Names = ["table1", "table3", "table6"];

    /// <summary>The beside-tables of <paramref name="name"/>, one per network that has rows for it.</summary>
    public static IEnumerable<(string Stem, ResultTable Table)> Beside(string name, IReadOnlyList<DetectionComparison> runs, IReadOnlyList<string> classes) => name switch
    {
        "table1" => runs.Select(r => ($"paper-table1-beside-{Safe(r.Label)}", Table1(r))),
        "table3" => runs.SelectMany(r => Table3(r, classes)),
        "table6" => runs.Where(r => (r.After ?? r.Before).Features.Any(f => f.Layer.Contains('+'))).Select(r => ($"paper-table6-beside-{Safe(r.Label)}", Table6(r))),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "no such table"),
    };

    /// <summary>The paper's layer number for one of our layer names (5, 6, 7), or null for a layer the paper does not report.</summary>
    static int? PaperLayer(string layer) => layer switch { "pool5" => 5, "fc6" or "relu6" => 6, "fc7" or "relu7" => 7, _ => null };

    static ResultTable Table1(DetectionComparison r)
    {
        var ours = new ResultTable($"{r.Label}: detection mAP (%) before and after fine-tuning for detection", "layer / task", ["alex-net", "full FT"]);
        foreach (var f in r.Before.Features.Where(f => !f.Layer.Contains('+')))
        {
            double? after = r.After?.Features.FirstOrDefault(a => a.Layer == f.Layer) is { } a ? Map(a) : null;
            string label = PaperLayer(f.Layer) switch { 5 => "pool5", 6 => "relu6", 7 => "relu7", _ => f.Layer };
            ours.Add($"{label} DET", [Map(f), after]);
        }
        var beside = PaperComparison.Beside($"{r.Label} beside the paper's Table 1 (DET column; mAP %)", ours, PaperAnchors.Table1AsTable(),
            [("alex-net", "alex-net"), ("full FT", "full FT")]);
        if (r.After is null) beside.Note("No fine-tuning for detection in this run: the full-FT columns are empty.");
        NoteStandIns(beside, r.Before);
        return beside;
    }

    /// <summary>Names the layers that stand for the paper's layer 6/7 without being its ReLU output (R-CNN's fc6/fc7 are after an in-place ReLU).</summary>
    static void NoteStandIns(ResultTable table, DetectionRunResult run)
    {
        var standIns = run.Features.Select(f => f.Layer).Where(l => l is "fc6" or "fc7").ToList();
        if (standIns.Count > 0)
            table.Note($"Our {string.Join(" and ", standIns)} (before the ReLU) stand in for the paper's layer {string.Join("/", standIns.Select(l => l[^1]))}, which R-CNN takes after the in-place ReLU (relu6/relu7).");
    }

    static IEnumerable<(string, ResultTable)> Table3(DetectionComparison r, IReadOnlyList<string> classes)
    {
        var rows = Rows(r.Before, "").Concat(r.After is { } after ? Rows(after, "-ft") : []).ToList();
        var matched = classes.Where(PaperAnchors.DetectionClasses.Contains).ToList();
        var paper = PaperAnchors.PerClassDetectionTable("Paper (draft Table 3): VOC 2007 test detection AP (%) of CaffeNet l5, l6, l7", PaperAnchors.Table3);
        var ours = new ResultTable($"{r.Label}: detection AP (%)", "feature", [.. matched, "mAP"]);
        foreach (var (label, f) in rows)
            ours.Add(label, [.. matched.Select(c => f.Result.Classes.First(x => x.ClassName == c) is var x && x.HasDetector && x.Ap.IsValid ? 100 * x.Ap.ElevenPoint : (double?)null), Map(f)]);
        var beside = PaperComparison.Beside($"{r.Label} beside the paper's Table 3 (detection AP %)", ours, paper, [.. matched.Append("mAP").Select(c => (c, c))]);
        if (matched.Count == 0)
            beside.Note($"The test classes ({string.Join(", ", classes.Take(4))}{(classes.Count > 4 ? ", …" : "")}) are not VOC's, so per-class AP is not compared; only mAP stands beside.");
        NoteStandIns(beside, r.Before);
        yield return ($"paper-table3-beside-{Safe(r.Label)}", beside);
    }

    static IEnumerable<(string Label, LayerDetection Feature)> Rows(DetectionRunResult run, string suffix) =>
        run.Features.Where(f => !f.Layer.Contains('+')).Select(f => (PaperLayer(f.Layer) is { } n ? $"l{n}{suffix}" : f.Layer + suffix, f));

    static ResultTable Table6(DetectionComparison r)
    {
        var run = r.After ?? r.Before;
        var ours = new ResultTable($"{r.Label}: detection mAP (%) per transform", "feature", ["mAP"]);
        foreach (var f in run.Features)
        {
            int plus = f.Layer.IndexOf('+');
            bool layer5 = PaperLayer(plus < 0 ? f.Layer : f.Layer[..plus]) == 5; // the paper's transforms are of pool5
            string label = !layer5 ? f.Layer : plus < 0 ? "pool5" : f.Layer[(plus + 1)..] switch
            {
                "sp-max" => "sp-max", "binarize+loc" => "sm-bn-lc", "binarize" => "binary", _ => f.Layer,
            };
            ours.Add(label, [Map(f)]);
        }
        var beside = PaperComparison.Beside($"{r.Label}{(r.After is null ? "" : " fine-tuned for detection")} beside the paper's Table 6 (detection mAP % per transform of pool5)",
            ours, PaperAnchors.Table6AsTable(), [("mAP", "mAP")]);
        if (r.After is null) beside.Note("The paper's Table 6 is the fine-tuned network's pool5; this run has no fine-tuning for detection.");
        return beside;
    }

    static double? Map(LayerDetection f) => DetectionRun.Finite(100 * f.Result.Mean.ElevenPoint);

    /// <summary>A file-name part for a label: letters and digits, other runs as one dash, lower case (<c>resnet-18-imagenet</c>).</summary>
    internal static string Safe(string label) =>
        System.Text.RegularExpressions.Regex.Replace(label.ToLowerInvariant(), "[^a-z0-9_]+", "-").Trim('-');
}
