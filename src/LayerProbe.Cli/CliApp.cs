using System.CommandLine;
using LayerProbe.Data;

namespace LayerProbe.Cli;

/// <summary>The <c>layerprobe</c> command line: a thin shell over the library. Each verb lives in its own file.</summary>
public static class CliApp
{
    public static int Run(string[] args)
    {
        if (args is ["slurm", .. var rest] && SlurmCommand.IsSubmission(rest)) return SlurmCommand.Submit(rest);
        var root = Root(out var maxPixels);
        var parse = root.Parse(args);
        if (parse.Errors.Count == 0)
        {
            long limit = parse.GetValue(maxPixels);
            if (limit <= 0) return Cli.Guard(() => throw LayerProbeException.For("--max-pixels", $"{limit} is not a positive pixel count"));
            ImageDecoder.MaxPixels = limit;
        }
        return parse.Invoke();
    }

    /// <summary>Why <paramref name="args"/> would not parse (empty when they would), without running anything.</summary>
    public static IReadOnlyList<string> ParseErrors(string[] args) => [.. Root(out _).Parse(args).Errors.Select(e => e.Message)];

    static RootCommand Root(out Option<long> maxPixels)
    {
        var root = new RootCommand("LayerProbe: layer-wise analysis of convolutional networks (Agrawal, Girshick & Malik, ECCV 2014).");
        foreach (var command in Commands()) root.Subcommands.Add(command);
        maxPixels = new Option<long>("--max-pixels")
        {
            Description = "largest width x height of an image decoded; larger images are refused from their header",
            DefaultValueFactory = _ => ImageDecoder.DefaultMaxPixels, Recursive = true,
        };
        root.Options.Add(maxPixels);
        return root;
    }

    static IEnumerable<Command> Commands()
    {
        yield return LayersCommand.Create();
        yield return BuildNetCommand.Create();
        yield return ExtractCommand.Create();
        yield return HeadFeaturesCommand.Create();
        yield return ProposalsCommand.Create();
        yield return ProbeCommand.Create();
        yield return DetectCommand.Create();
        yield return DemoCommand.Create();
        yield return StudyCommand.Create();
        yield return TrainCommand.Create();
        yield return EntropyCommand.Create();
        yield return GrandmotherCommand.Create();
        yield return CkaCommand.Create();
        yield return HeadsCommand.Create();
        yield return TransformCommand.Create();
        yield return EvolutionCommand.Create();
        yield return FineTuneEffectCommand.Create();
        yield return ShortPretrainingCommand.Create();
        yield return MakeScenesCommand.Create();
        yield return MergeCommand.Create();
        yield return SlurmCommand.Create();
    }
}
