using System.CommandLine;

namespace LayerProbe.Cli;

/// <summary><c>--input NAME</c>: the image input of a network with several data inputs (commands that load a model).</summary>
static class ModelInput
{
    public static Option<string?> Option() =>
        new("--input") { Description = "the image input of a graph with several inputs (the others must not feed the layers used)" };
}
