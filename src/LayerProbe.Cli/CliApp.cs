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
        if (UnknownCommand(root, args) is { } unknown)
        {
            Console.Error.WriteLine($"layerprobe: unknown command '{unknown}' (known: {string.Join(", ", root.Subcommands.Select(c => c.Name))}; layerprobe --help lists them)");
            return 2;
        }
        var parse = root.Parse(args);
        foreach (var line in OptionCatalogue.DeprecationLines(parse)) Console.Error.WriteLine(line);
        if (parse.Errors.Count > 0 && !HelpAsked(args))
        {
            // one line, exit 2, like every other bad input (System.CommandLine would print the help page and exit 1)
            Console.Error.WriteLine($"layerprobe: {parse.CommandResult.Command.Name}: {OneLine(parse.Errors[0].Message)} (layerprobe {parse.CommandResult.Command.Name} --help)");
            return 2;
        }
        if (parse.Errors.Count == 0)
        {
            long limit = parse.GetValue(maxPixels);
            if (limit <= 0) return Cli.Guard(() => throw LayerProbeException.For("--max-pixels", $"{limit} is not a positive pixel count"));
            ImageDecoder.MaxPixels = limit;
        }
        return parse.Invoke();
    }

    /// <summary>The root command with every verb (tests walk it to check the vocabulary).</summary>
    public static RootCommand Root() => Root(out _);

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

    /// <summary>The first argument when it is neither an option nor a command (<c>layerprobe nosuch --help</c> is an error, not the root help).</summary>
    static string? UnknownCommand(RootCommand root, string[] args) =>
        args.Length > 0 && !args[0].StartsWith('-') && !root.Subcommands.Any(c => c.Name == args[0] || c.Aliases.Contains(args[0])) ? args[0] : null;

    static bool HelpAsked(string[] args) => args.Any(a => a is "--help" or "-h" or "-?" or "/?" or "/h");

    static string OneLine(string text) => string.Join(" ", text.Split(['\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries).Select(t => t.Trim()));

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
