using System.CommandLine;
using LayerProbe.Features.Transforms;

namespace LayerProbe.Cli;

/// <summary>
/// <c>layerprobe transform --store DIR --transform NAME [--seed 1] --out ROOT</c>: writes a transformed copy of a feature
/// store (content-addressed, resumable), for transforms read many times.
/// </summary>
static class TransformCommand
{
    public static Command Create()
    {
        var store = OptionCatalogue.Store();
        var transform = OptionCatalogue.Choice("--transform", "feature transform", [.. FeatureTransforms.Names]);
        transform.Required = true;
        var seed = OptionCatalogue.Seed("seed (sp-shuffle)", FeatureTransforms.DefaultSeed);
        var output = OptionCatalogue.Out("folder the transformed store is created in");
        var command = new Command("transform", "Write a transformed feature store (unroll, sp-shuffle, sp-max, binarize, max+loc, binarize+loc).")
            { store, transform, seed, output };
        var shard = new ShardOption();
        shard.AddTo(command);
        command.SetAction(parse => Cli.Guard(() =>
        {
            string outDir = OutputFolder.Prepare(parse.GetValue(output)!); // before any long work
            var t = FeatureTransforms.Create(parse.GetValue(transform)!, parse.GetValue(seed));
            Console.WriteLine(TransformedStore.Write(parse.GetValue(store)!, t, outDir, shard: shard.Value(parse)));
        }));
        return command;
    }
}
