using System.CommandLine;
using LayerProbe.Sharding;

namespace LayerProbe.Cli;

/// <summary>
/// <c>--shard I/N</c>, shared by every long per-item command (extract, proposals, transform, head-features): process
/// only shard I (0-based) of N contiguous, balanced item ranges into shard stores that <c>layerprobe merge</c> joins.
/// </summary>
sealed class ShardOption
{
    /// <summary>The option's name, as <c>layerprobe slurm</c> appends it to each array task's command.</summary>
    public const string Name = "--shard";

    readonly Option<string?> _shard = new(Name)
    {
        Description = "process only shard I of N (0-based, contiguous balanced item ranges) into shard stores; join them with `layerprobe merge DIR`",
    };

    public void AddTo(Command command) => command.Options.Add(_shard);

    /// <summary>The parsed shard, or null when not given; a bad value is one line.</summary>
    public Shard? Value(ParseResult parse) => parse.GetValue(_shard) is { } text ? Shard.Parse(text, Name) : null;
}
