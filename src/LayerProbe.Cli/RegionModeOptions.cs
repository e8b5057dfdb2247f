using System.CommandLine;
using LayerProbe.Data;
using LayerProbe.Regions;

namespace LayerProbe.Cli;

/// <summary>
/// How <c>extract</c> computes region items' features: <c>--regions warp</c> (R-CNN, the default) or <c>shared-conv</c>
/// (SPP-net / Fast R-CNN) with <c>--roi-layer</c>, <c>--roi-scale</c>, <c>--roi-max-side</c>, <c>--roi-pool</c> and
/// <c>--roi-batch</c> (<see cref="SharedConvSettings"/>).
/// </summary>
sealed class RegionModeOptions
{
    readonly Option<string> _mode = new("--regions") { Description = "region items: warp (R-CNN: every region through the whole network) or shared-conv (conv layers once per image, RoI pooling)", DefaultValueFactory = _ => "warp" };
    readonly Option<string?> _layer = new("--roi-layer") { Description = "shared-conv: the conv layer computed once per image (CaffeNet: relu5; its max pool pool5 is what the RoI pooling replaces)" };
    readonly Option<int> _scale = new("--roi-scale") { Description = "shared-conv: the image's shorter side after scaling, pixels (SPP-net 688, Fast R-CNN 600)", DefaultValueFactory = _ => 600 };
    readonly Option<int> _maxSide = new("--roi-max-side") { Description = "shared-conv: largest longer side after scaling", DefaultValueFactory = _ => 1000 };
    readonly Option<string> _pool = new("--roi-pool") { Description = "shared-conv: ort (ONNX MaxRoiPool in the head's session) | managed (LayerProbe's loop, rows fed to the head's session)", DefaultValueFactory = _ => "ort" };
    readonly Option<int> _batch = new("--roi-batch") { Description = "shared-conv: regions per head batch", DefaultValueFactory = _ => 256 };

    public void AddTo(Command command)
    {
        foreach (var o in new Option[] { _mode, _layer, _scale, _maxSide, _pool, _batch }) command.Options.Add(o);
    }

    /// <summary>The shared-conv settings, or null in warp mode; a mode that does not fit the items is one line.</summary>
    public SharedConvSettings? SharedConv(ParseResult parse, IItemSet items)
    {
        switch (parse.GetValue(_mode))
        {
            case "warp": return null;
            case "shared-conv": break;
            case var other: throw LayerProbeException.For("--regions", $"unknown mode '{other}' (warp, shared-conv)");
        }
        if (items is not VocRegions) throw LayerProbeException.For("--regions", $"shared-conv needs region items (--data voc2007:DEVKIT:SPLIT:proposals:STORE), not {items.Name}");
        string layer = parse.GetValue(_layer) ?? throw LayerProbeException.For("--roi-layer", "shared-conv needs the conv layer computed once per image (e.g. relu5)");
        var pool = parse.GetValue(_pool) switch
        {
            "ort" => RoiPoolEngine.Ort,
            "managed" => RoiPoolEngine.Managed,
            var other => throw LayerProbeException.For("--roi-pool", $"unknown engine '{other}' (ort, managed)"),
        };
        return new SharedConvSettings { Layer = layer, ShorterSide = parse.GetValue(_scale), MaxSide = parse.GetValue(_maxSide), Pool = pool, RegionBatch = parse.GetValue(_batch) };
    }
}
