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
        var store = new Option<string>("--store") { Description = "complete feature store directory", Required = true };
        var transform = new Option<string>("--transform") { Description = $"transform ({string.Join(", ", FeatureTransforms.Names)})", Required = true };
        var seed = new Option<int>("--seed") { Description = "seed (sp-shuffle)", DefaultValueFactory = _ => FeatureTransforms.DefaultSeed };
        var output = new Option<string>("--out") { Description = "folder the transformed store is created in", Required = true };
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
