using System.CommandLine;
using LayerProbe.Data;
using LayerProbe.Training;

namespace LayerProbe.Cli;

/// <summary>
/// The options of R-CNN window fine-tuning (<c>voc2007-windows:DEVKIT:SPLIT</c> data), shared by the commands that
/// fine-tune (<c>train</c>, <c>short-pretraining</c>): the proposals store, the label rule, the warp size and its
/// context padding.
/// </summary>
sealed class WindowOptions
{
    readonly Option<string?> _proposals = new("--proposals") { Description = "voc2007-windows: a proposals store folder (layerprobe proposals; a CSV or MAT file is imported with its --import)" };
    readonly Option<string> _fgRule = OptionCatalogue.Choice("--fg-rule", "voc2007-windows: rcnn (fg IoU ≥ 0.5, bg < 0.5) or gt (fg GT boxes only, bg < 0.3)", WindowRule.Names, "rcnn");
    readonly Option<int?> _size = new("--window-size") { Description = "voc2007-windows: side of the warped windows (default: the network's input side; 227 for caffenet-mini)" };
    readonly Option<int> _contextPad = new("--context-pad") { Description = "voc2007-windows: context padding of the warp in output pixels", DefaultValueFactory = _ => 16 };

    public void AddTo(Command command)
    {
        foreach (var o in new Option[] { _proposals, _fgRule, _size, _contextPad }) command.Options.Add(o);
    }

    /// <summary>The window settings as given (the proposals store null when --proposals is not given).</summary>
    public WindowSettings Settings(ParseResult parse) =>
        new(parse.GetValue(_proposals), parse.GetValue(_fgRule)!, parse.GetValue(_size), parse.GetValue(_contextPad));
}
