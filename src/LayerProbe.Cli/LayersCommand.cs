using System.CommandLine;
using LayerProbe.Networks;

namespace LayerProbe.Cli;

/// <summary>
/// <c>layerprobe layers MODEL [--size N] [--input NAME] [--all]</c>: the layer table (name, op, output shape) of an ONNX
/// network — its named layers (paper vocabulary, module paths or residual stages), or with <c>--all</c> every float
/// activation.
/// </summary>
static class LayersCommand
{
    public static Command Create()
    {
        var model = OptionCatalogue.Model();
        model.Required = false;
        var positional = new Argument<string?>("model") { Description = "older spelling of --model (accepted until the next release)", Arity = ArgumentArity.ZeroOrOne, Hidden = true };
        var size = new Option<int?>("--size") { Description = $"input height and width (default: the model's declared size, else {OnnxNetwork.DefaultInputSide})" };
        var input = OptionCatalogue.Input();
        var all = new Option<bool>("--all") { Description = "list every float activation, not only the named layers" };
        var command = new Command("layers", "List a network's layers with their output shapes.") { model, positional, size, input, all };
        command.SetAction(parse => Cli.Guard(() =>
        {
            if (parse.GetValue(positional) is { } old) Console.Error.WriteLine("layerprobe: layers MODEL is deprecated (accepted until the next release); use layers --model MODEL");
            string name = parse.GetValue(model) ?? parse.GetValue(positional) ?? throw LayerProbeException.ForParameter("model", "give the network: layers --model FILE.onnx");
            var network = OnnxNetwork.Load(name, parse.GetValue(input));
            int? s = parse.GetValue(size);
            var rows = LayerTable.Read(network, s, s);
            bool showAll = parse.GetValue(all) || rows.All(r => r.Alias is null);
            int side = s ?? network.InputSize?.Height ?? OnnxNetwork.DefaultInputSide;
            Console.WriteLine($"{network.Path}  sha256 {network.Sha256[..12]}  input {network.InputName} [{string.Join("x", network.InputShape)}] at {side}x{side}");
            int nameWidth = Math.Max(12, rows.Select(r => r.Alias?.Length ?? 0).DefaultIfEmpty(0).Max() + 1);
            Console.WriteLine($"{"layer".PadRight(nameWidth)} {"op",-20} {"value",-28} {"shape",-16} {"dims",10}");
            foreach (var r in rows.Where(r => showAll || r.Alias is not null))
            {
                var names = string.Join(" = ", network.Aliases.AliasesOf(r.Value));
                Console.WriteLine($"{names.PadRight(nameWidth)} {r.Op,-20} {r.Value,-28} {string.Join("x", r.Shape),-16} {r.Dimensions,10:N0}");
            }
        }));
        return command;
    }
}
