using System.CommandLine;
using LayerProbe.Networks;

namespace LayerProbe.Cli;

/// <summary>
/// <c>layerprobe build-net caffenet|caffenet-mini --out FILE.onnx</c>: writes a randomly initialised CaffeNet (or the
/// scaled CaffeNet-mini) as ONNX with the paper's layer names, atomically.
/// </summary>
static class BuildNetCommand
{
    public static Command Create()
    {
        string[] kinds = ["caffenet", "caffenet-mini"];
        var kind = new Argument<string>("network") { Description = "caffenet | caffenet-mini", HelpName = "caffenet|caffenet-mini" };
        kind.AcceptOnlyFromAmong(kinds);
        var output = OptionCatalogue.Out("ONNX file to write");
        var classes = new Option<int?>("--outputs") { Description = "fc8 width, the number of classes (default 1000 for caffenet, 10 for caffenet-mini)" }.WithDeprecated("--classes");
        var seed = OptionCatalogue.Seed("seed of the Gaussian initialisation");
        var size = new Option<int>("--size") { Description = "caffenet-mini: input height = width", DefaultValueFactory = _ => 64 };
        var channels = new Option<int>("--channels") { Description = "caffenet-mini: input channels (3 = BGR, 1 = grey)", DefaultValueFactory = _ => 3 };
        var divisor = new Option<int>("--width-divisor") { Description = "caffenet-mini: divide CaffeNet's conv widths by this", DefaultValueFactory = _ => 4 };
        var fc = new Option<int>("--fc") { Description = "caffenet-mini: width of fc6 and fc7", DefaultValueFactory = _ => 256 };
        var kernel = new Option<int>("--conv1-kernel") { Description = "caffenet-mini: conv1 kernel size", DefaultValueFactory = _ => 5 };
        var stride = new Option<int>("--conv1-stride") { Description = "caffenet-mini: conv1 stride", DefaultValueFactory = _ => 2 };
        var command = new Command("build-net", "Write a randomly initialised CaffeNet or CaffeNet-mini as an ONNX file.")
            { kind, output, classes, seed, size, channels, divisor, fc, kernel, stride };
        command.SetAction(parse => Cli.Guard(() =>
        {
            string name = parse.GetValue(kind)!;
            var miniOnly = new Option[] { size, channels, divisor, fc, kernel, stride }.Where(o => parse.GetResult(o) is { Implicit: false }).ToList();
            if (name.Equals("caffenet", StringComparison.OrdinalIgnoreCase) && miniOnly.Count > 0)
                throw new LayerProbeException($"build-net caffenet: {string.Join(", ", miniOnly.Select(o => o.Name))} only apply to caffenet-mini");
            var spec = name.ToLowerInvariant() switch
            {
                "caffenet" => CaffeNetSpec.Full(parse.GetValue(classes) ?? 1000, parse.GetValue(seed)),
                "caffenet-mini" => CaffeNetSpec.Mini(parse.GetValue(size), parse.GetValue(channels), parse.GetValue(divisor),
                    parse.GetValue(fc), parse.GetValue(classes) ?? 10, parse.GetValue(seed), parse.GetValue(kernel), parse.GetValue(stride)),
                _ => throw new LayerProbeException($"unknown network '{name}' (known: caffenet, caffenet-mini)"),
            };
            string path = parse.GetValue(output)!;
            CaffeNet.Write(spec, path);
            Console.WriteLine($"wrote {path}: {name} ({CaffeNet.Describe(spec)})");
        }));
        return command;
    }
}
