namespace LayerProbe.Training;

/// <summary>
/// The fine-tuning label rule (docs/method.md §1.5 table, Caffe's <c>fg_threshold</c>/<c>bg_threshold</c>): a window with
/// overlap ≥ <see cref="FgThreshold"/> is foreground with its class, one with overlap &lt; <see cref="BgThreshold"/>
/// is background, anything between is ignored.
/// </summary>
/// <param name="Name">Short name for manifests and the CLI.</param>
/// <param name="FgThreshold">Least overlap of a foreground window.</param>
/// <param name="BgThreshold">Overlap below which a window is background.</param>
public sealed record WindowRule(string Name, double FgThreshold, double BgThreshold)
{
    /// <summary>R-CNN fine-tuning and draft §3.3: fg IoU ≥ 0.5, every other window background.</summary>
    public static WindowRule Rcnn { get; } = new("rcnn", 0.5, 0.5);

    /// <summary>Draft §4.2: GT boxes only as foreground (overlap 1), background IoU &lt; 0.3, the rest ignored.</summary>
    public static WindowRule GtOnly { get; } = new("gt", 1.0, 0.3);

    /// <summary>The rules by name.</summary>
    public static IReadOnlyList<string> Names { get; } = ["rcnn", "gt"];

    /// <summary><c>rcnn</c> or <c>gt</c>; anything else is a one-line error.</summary>
    public static WindowRule Parse(string name) => name.ToLowerInvariant() switch
    {
        "rcnn" => Rcnn,
        "gt" => GtOnly,
        _ => throw LayerProbeException.ForParameter("fgRule", $"'{name}' is not rcnn or gt"),
    };

    /// <summary>The pool of <paramref name="window"/>.</summary>
    public WindowRole Assign(in LabelledWindow window) =>
        window.Class == 0 || window.Overlap < BgThreshold ? WindowRole.Background
        : window.Overlap >= FgThreshold ? WindowRole.Foreground
        : WindowRole.Ignored;

    /// <summary>Thresholds as text, e.g. <c>rcnn (fg ≥ 0.5, bg &lt; 0.5)</c>.</summary>
    public override string ToString() => FormattableString.Invariant($"{Name} (fg ≥ {FgThreshold}, bg < {BgThreshold})");
}
