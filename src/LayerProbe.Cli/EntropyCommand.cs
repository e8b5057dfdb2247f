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
        var stores = OptionCatalogue.Stores("comma-separated feature stores, DIR or NETWORK/LAYER=DIR");
        var labels = OptionCatalogue.Labels("label file, one 'id,class' line per item (one class per item)");
        var output = OptionCatalogue.Out();
        var variant = OptionCatalogue.Choice("--variant", "thresholds: R (rank), V (value) or both", ["R", "V", "both"], "both");
        var units = OptionCatalogue.Choice("--units", "conv units: channel (spatial max) or position", ["channel", "position"], "channel");
        var command = new Command("entropy", "Label entropy of each unit of stored layers (draft Fig. 3/4).") { stores, labels, output, variant, units };
        command.SetAction(parse => Cli.Guard(() =>
        {
            string outDir = OutputFolder.Prepare(parse.GetValue(output)!); // before any long work
            var options = new LabelEntropyOptions
            {
                Variants = parse.GetValue(variant) switch
                {
                    "R" => [EntropyThresholds.Rank],
                    "V" => [EntropyThresholds.Value],
                    _ => [EntropyThresholds.Rank, EntropyThresholds.Value],
                },
                Units = parse.GetValue(units) == "position" ? UnitKind.Position : UnitKind.ChannelMax,
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
