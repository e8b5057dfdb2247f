using System.CommandLine;
using LayerProbe.Analyses;

namespace LayerProbe.Cli;

/// <summary>
/// <c>layerprobe entropy --stores NET/LAYER=DIR,… --labels FILE --out DIR [--variant R|V|both] [--units channel|position]</c>:
/// label entropy of every unit (docs/method.md §5.1, E11) from stored features.
/// </summary>
static class EntropyCommand
{
    public static Command Create()
    {
        var stores = new Option<string>("--stores") { Description = "comma-separated feature stores, DIR or NETWORK/LAYER=DIR", Required = true };
        var labels = new Option<string>("--labels") { Description = "label file, one 'id,class' line per item (one class per item)", Required = true };
        var output = new Option<string>("--out") { Description = "output folder", Required = true };
        var variant = new Option<string>("--variant") { Description = "thresholds: R (rank), V (value) or both", DefaultValueFactory = _ => "both" };
        var units = new Option<string>("--units") { Description = "conv units: channel (spatial max) or position", DefaultValueFactory = _ => "channel" };
        var command = new Command("entropy", "Label entropy of each unit of stored layers (draft Fig. 3/4).") { stores, labels, output, variant, units };
        command.SetAction(parse => Cli.Guard(() =>
        {
            string outDir = OutputFolder.Prepare(parse.GetValue(output)!); // before any long work
            var options = new LabelEntropyOptions
            {
                Variants = parse.GetValue(variant)!.ToUpperInvariant() switch
                {
                    "R" => [EntropyThresholds.Rank],
                    "V" => [EntropyThresholds.Value],
                    "BOTH" => [EntropyThresholds.Rank, EntropyThresholds.Value],
                    var v => throw LayerProbeException.For("--variant", $"'{v}' is not R, V or both"),
                },
                Units = parse.GetValue(units) switch
                {
                    "channel" => UnitKind.ChannelMax,
                    "position" => UnitKind.Position,
                    var u => throw LayerProbeException.For("--units", $"'{u}' is not channel or position"),
                },
            };
            var labelFile = ItemLabelFile.Read(parse.GetValue(labels)!);
            var opened = StoreList.Open(parse.GetValue(stores)!);
            try
            {
                var classOf = labelFile.SingleClassOf(opened[0].Ids);
                var layers = opened.Select(s =>
                {
                    if (!s.Ids.SequenceEqual(opened[0].Ids)) throw LayerProbeException.For(s.Directory, $"items differ from {opened[0].Directory}");
                    int slash = s.Name.LastIndexOf('/');
                    return new EntropyLayer(slash < 0 ? "net" : s.Name[..slash], slash < 0 ? s.Name : s.Name[(slash + 1)..], s.Rows, s.Shape);
                }).ToList();
                var inputs = opened.ToDictionary(s => s.Name, s => s.Identity);
                inputs["labels"] = Path.GetFullPath(labelFile.Path);
                var results = LabelEntropyAnalysis.Run(layers, classOf, labelFile.Classes, options, outDir, inputs, Console.Out);
                foreach (var r in results)
                    Console.WriteLine($"{r.Network}/{r.Layer} {r.Variant}: mean {r.Mean:F3} bits, median {r.Median:F3}, mean/H(prior) {r.MeanNormalised:F3}");
            }
            finally { foreach (var s in opened) s.Dispose(); }
        }));
        return command;
    }
}
