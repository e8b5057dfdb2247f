using System.CommandLine;
using LayerProbe.Networks;

namespace LayerProbe.Cli;

/// <summary><c>layerprobe layers MODEL</c>: the layer table (name, op, output shape) of an ONNX network.</summary>
static class LayersCommand
{
    public static Command Create()
    {
        var model = new Argument<string>("model") { Description = "ONNX file or well-known name (resnet18-imagenet)" };
        var size = new Option<int?>("--size") { Description = "input height and width (default: the model's declared size)" };
        var all = new Option<bool>("--all") { Description = "list every node output, not only the named layers" };
        var command = new Command("layers", "List a network's layers with their output shapes.") { model, size, all };
        command.SetAction(parse => Cli.Guard(() =>
        {
            var network = OnnxNetwork.Load(parse.GetValue(model)!);
            int? s = parse.GetValue(size);
            var rows = LayerTable.Read(network, s, s);
            bool showAll = parse.GetValue(all) || rows.All(r => r.Alias is null);
            Console.WriteLine($"{network.Path}  sha256 {network.Sha256[..12]}  input {network.InputName} [{string.Join("x", network.InputShape)}]");
            Console.WriteLine($"{"layer",-12} {"op",-20} {"value",-28} {"shape",-16} {"dims",10}");
            foreach (var r in rows.Where(r => showAll || r.Alias is not null))
                Console.WriteLine($"{r.Alias ?? "",-12} {r.Op,-20} {r.Value,-28} {string.Join("x", r.Shape),-16} {r.Dimensions,10:N0}");
        }));
        return command;
    }
}
