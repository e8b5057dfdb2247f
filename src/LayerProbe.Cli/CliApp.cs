using System.CommandLine;

namespace LayerProbe.Cli;

/// <summary>The <c>layerprobe</c> command line: a thin shell over the library. Each verb lives in its own file.</summary>
public static class CliApp
{
    public static int Run(string[] args)
    {
        var root = new RootCommand("LayerProbe: layer-wise analysis of convolutional networks (Agrawal, Girshick & Malik, ECCV 2014).");
        foreach (var command in Commands()) root.Subcommands.Add(command);
        return root.Parse(args).Invoke();
    }

    static IEnumerable<Command> Commands()
    {
        yield return LayersCommand.Create();
        yield return BuildNetCommand.Create();
        yield return ExtractCommand.Create();
        yield return ProbeCommand.Create();
        yield return DemoCommand.Create();
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
    }
}
