using System.CommandLine;
using LayerProbe.Sharding;

namespace LayerProbe.Cli;

/// <summary>
/// <c>layerprobe merge DIR [--remove-shards]</c>: joins the shard stores (<c>--shard I/N</c> runs) in DIR into whole
/// stores byte-identical to an unsharded run's; a missing, incomplete or mismatched shard is one line, exit 2.
/// </summary>
static class MergeCommand
{
    public static Command Create()
    {
        var folder = new Argument<string>("DIR") { Description = "output folder of the sharded runs (their --out)" };
        var remove = new Option<bool>("--remove-shards") { Description = "delete the shard stores once joined" };
        var command = new Command("merge", "Join the shard stores of sharded runs (--shard I/N) into whole stores.") { folder, remove };
        command.SetAction(parse => Cli.Guard(() =>
        {
            var merged = ShardMerge.Run(parse.GetValue(folder)!, parse.GetValue(remove), new InlineProgress<string>(Console.WriteLine));
            Console.WriteLine($"{merged.Count} store{(merged.Count == 1 ? "" : "s")} whole");
        }));
        return command;
    }
}
