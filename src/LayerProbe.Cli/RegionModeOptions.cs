using System.CommandLine;
using System.Globalization;
using LayerProbe.Data;
using LayerProbe.Regions;

namespace LayerProbe.Cli;

/// <summary>
/// How region items' features are computed, defined once for every command that computes them (<c>extract</c>, and
/// <c>probe</c> on region items, i.e. detection): <c>--regions warp</c> (R-CNN, the default) or <c>shared-conv</c>
/// (SPP-net / Fast R-CNN) with <c>--roi-layer</c>, <c>--roi-scale S[,S2…]</c> (several: SPP-net's multi-scale, with
/// <c>--roi-target-side</c>), <c>--roi-max-side</c>, <c>--roi-pool</c> and <c>--roi-batch</c> (<see cref="SharedConvSettings"/>). Bad combinations are one line: a <c>--roi-*</c> option in warp
/// mode, shared-conv without <c>--roi-layer</c> or on items that are not regions, fewer than one region per batch.
/// </summary>
sealed class RegionModeOptions
{
    /// <summary>The modes of <c>--regions</c>.</summary>
    public static IReadOnlyList<string> Modes { get; } = ["warp", "shared-conv"];

    readonly Option<string> _mode = OptionCatalogue.Choice("--regions", "region items: warp (R-CNN: every region through the whole network) or shared-conv (conv layers once per image, RoI pooling)", Modes, "warp");
    readonly Option<string?> _layer = new("--roi-layer") { Description = "shared-conv: the conv layer computed once per image (CaffeNet: relu5; its max pool pool5 is what the RoI pooling replaces)" };
    readonly Option<string> _scale = new("--roi-scale") { Description = "shared-conv: the image's shorter side after scaling, pixels (SPP-net 688, Fast R-CNN 600); several, comma-separated (SPP-net: 480,576,688,864,1200 with --roi-max-side 2000): multi-scale, each region pooled at the scale where its area is closest to --roi-target-side squared", DefaultValueFactory = _ => "600" };
    readonly Option<int?> _target = new("--roi-target-side") { Description = "shared-conv with several --roi-scale values: the side whose square each region's scaled area is brought closest to (default: the network's input side; SPP-net 224)" };
    readonly Option<int> _maxSide = new("--roi-max-side") { Description = "shared-conv: largest longer side after scaling", DefaultValueFactory = _ => 1000 };
    readonly Option<string> _pool = OptionCatalogue.Choice("--roi-pool", "shared-conv: ort (ONNX MaxRoiPool in the head's session) or managed (LayerProbe's loop, rows fed to the head's session)", ["ort", "managed"], "ort");
    readonly Option<int> _batch = new("--roi-batch") { Description = "shared-conv: regions per head batch", DefaultValueFactory = _ => 256 };

    Option[] All => [_mode, _layer, _scale, _maxSide, _pool, _batch, _target];

    public void AddTo(Command command)
    {
        foreach (var o in All) command.Options.Add(o);
    }

    /// <summary>
    /// The shared-conv settings, or null in warp mode, checked before anything is read; a <c>--roi-*</c> option given
    /// in warp mode, a missing <c>--roi-layer</c> or a batch below one region is one line.
    /// </summary>
    public SharedConvSettings? Settings(ParseResult parse)
    {
        if (parse.GetValue(_mode) == "warp")
        {
            var given = All.Skip(1).FirstOrDefault(o => parse.GetResult(o) is { Implicit: false });
            return given is null ? null : throw LayerProbeException.For(given.Name, "applies to --regions shared-conv only (the default is warp)");
        }
        string layer = parse.GetValue(_layer) ?? throw LayerProbeException.For("--roi-layer", "shared-conv needs the conv layer computed once per image (e.g. relu5)");
        int batch = parse.GetValue(_batch);
        if (batch < 1) throw LayerProbeException.For("--roi-batch", $"regions per batch must be at least 1, got {batch}");
        var pool = parse.GetValue(_pool) == "managed" ? RoiPoolEngine.Managed : RoiPoolEngine.Ort;
        var scales = ListOption.Items(parse.GetValue(_scale)!).Select(text => int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int side) ? side
            : throw LayerProbeException.For("--roi-scale", $"'{text}' is not a number of pixels")).ToList();
        if (scales.Count == 0) throw LayerProbeException.For("--roi-scale", "no scale given");
        int? target = parse.GetValue(_target);
        if (target is not null && scales.Distinct().Count() < 2) throw LayerProbeException.For("--roi-target-side", "applies to several --roi-scale values (multi-scale) only");
        return new SharedConvSettings { Layer = layer, ShorterSide = scales[0], Scales = scales.Count > 1 ? scales : null, TargetSide = target, MaxSide = parse.GetValue(_maxSide), Pool = pool, RegionBatch = batch };
    }

    /// <summary>The shared-conv settings for <paramref name="items"/>, or null in warp mode; shared-conv on items that are not regions is one line.</summary>
    public SharedConvSettings? SharedConv(ParseResult parse, IItemSet items)
    {
        var settings = Settings(parse);
        if (settings is not null && items is not VocRegions) throw NotRegions(items.Name);
        return settings;
    }

    /// <summary>The refusal of shared-conv on items that are not regions.</summary>
    public static LayerProbeException NotRegions(string items) =>
        LayerProbeException.For("--regions", $"shared-conv needs region items (voc2007:DEVKIT:SPLIT:proposals:STORE), not {items}");

    /// <summary>One line for the log: the mode and its settings.</summary>
    public static string Describe(SharedConvSettings? settings) => settings is null ? "regions: warp (R-CNN)"
        : $"regions: shared-conv at {settings.Layer}, shorter side {string.Join(", ", settings.ShorterSides)}{(settings.MultiScale ? " (multi-scale)" : "")} (longer at most {settings.MaxSide}), pooling {settings.Pool.ToString().ToLowerInvariant()}, {settings.RegionBatch} regions per batch";
}
