using System.CommandLine;
using LayerProbe.Studies;

namespace LayerProbe.Cli;

/// <summary>
/// <c>layerprobe study FILE [--set key=value …] [--out DIR]</c> and <c>layerprobe study --rerun MANIFEST</c>: runs a study
/// file (or a shipped study by name, or the study a run's manifest recorded). The library reads, checks and runs it.
/// </summary>
static class StudyCommand
{
    public static Command Create()
    {
        var file = new Argument<string?>("FILE")
        {
            Description = $"study file (YAML), or a shipped study: {string.Join(", ", Study.Shipped)}", Arity = ArgumentArity.ZeroOrOne,
        };
        var from = new Option<string?>("--rerun") { Description = "run the study a run's manifest.json recorded (settings.study) again" };
        var set = new Option<string[]>("--set")
        {
            Description = "override a setting: KEY.PATH=VALUE (YAML value; e.g. networks.caffenet.model=caffenet.onnx, probe.c=[0.001,0.01], steps.transforms.skip=true); repeatable",
            AllowMultipleArgumentsPerToken = false,
        };
        var output = new Option<string?>("--out") { Description = "output folder (features/ cache + report/); default: the study's output" };
        var command = new Command("study", "Run a study file: data, networks, layers, probe settings and analysis steps in one YAML file.")
            { file, from, set, output };
        command.SetAction(parse => Cli.Guard(() =>
        {
            var overrides = (parse.GetValue(set) ?? []).ToList();
            if (parse.GetValue(output) is { } o) overrides.Add($"output={o}");
            string? path = parse.GetValue(file), manifest = parse.GetValue(from);
            var study = (path, manifest) switch
            {
                (null, null) => throw LayerProbeException.For("study", "give a study FILE or --rerun MANIFEST"),
                ({ }, { }) => throw LayerProbeException.For("study", "give a study FILE or --rerun MANIFEST, not both"),
                (null, { } m) => Study.FromManifest(m, overrides),
                ({ } p, null) when !File.Exists(p) && Study.Shipped.Contains(p) => Study.LoadShipped(p, overrides),
                ({ } p, null) => Study.Load(p, overrides),
            };
            var result = study.Run();
            Console.WriteLine(Path.Combine(result.ReportDirectory, "README.md"));
        }));
        return command;
    }
}
