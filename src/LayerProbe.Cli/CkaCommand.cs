using System.CommandLine;
using LayerProbe.Analyses;

namespace LayerProbe.Cli;

/// <summary>
/// <c>layerprobe cka --stores NAME=DIR,… --out DIR [--max-items 4000] [--seed 1]</c>: linear CKA between every pair of
/// stored layers over the same items (layers of one network, or one layer before/after fine-tuning).
/// </summary>
static class CkaCommand
{
    public static Command Create()
    {
        var stores = OptionCatalogue.Stores();
        var output = OptionCatalogue.Out();
        var maxItems = new Option<int>("--max-items") { Description = "subsample to at most this many items (Gram matrices are N×N)", DefaultValueFactory = _ => 4000 };
        var seed = OptionCatalogue.Seed("subsampling seed", 1);
        var command = new Command("cka", "Linear CKA between stored layers (heat map + table).") { stores, output, maxItems, seed };
        command.SetAction(parse => Cli.Guard(() =>
        {
            string outDir = OutputFolder.Prepare(parse.GetValue(output)!); // before any long work
            var opened = StoreList.Open(parse.GetValue(stores)!);
            try
            {
                var layers = opened.Select(s => new CkaLayer(s.Name, s.Rows, s.Ids)).ToList();
                var m = LinearCka.Run(layers, outDir, parse.GetValue(maxItems), parse.GetValue(seed),
                    opened.ToDictionary(s => s.Name, s => s.Identity), Console.Out);
                for (int i = 0; i < layers.Count; i++)
                    Console.WriteLine($"{layers[i].Name,-16} {string.Join(" ", Enumerable.Range(0, layers.Count).Select(j => m[i, j].ToString("F3")))}");
            }
            finally { foreach (var s in opened) s.Dispose(); }
        }));
        return command;
    }
}
