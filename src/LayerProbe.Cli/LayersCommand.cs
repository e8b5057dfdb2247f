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
        var model = new Argument<string>("model") { Description = "ONNX file or well-known name (resnet18-imagenet)" };
        var size = new Option<int?>("--size") { Description = $"input height and width (default: the model's declared size, else {OnnxNetwork.DefaultInputSide})" };
        var input = ModelInput.Option();
        var all = new Option<bool>("--all") { Description = "list every float activation, not only the named layers" };
        var command = new Command("layers", "List a network's layers with their output shapes.") { model, size, input, all };
        command.SetAction(parse => Cli.Guard(() =>
        {
            var network = OnnxNetwork.Load(parse.GetValue(model)!, parse.GetValue(input));
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
