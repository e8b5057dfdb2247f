using System.CommandLine;
using LayerProbe.Studies;

namespace LayerProbe.Cli;

/// <summary>
/// <c>layerprobe evolution --snapshots DIR --trainval SPEC --test SPEC --out DIR</c>: every snapshot of a
/// <c>layerprobe train</c> run probed layer by layer (paper Table 4), conv1 filter images per snapshot (Fig. 1) and the
/// earliest snapshot reaching 80 %/90 % of each layer's final mAP.
/// </summary>
static class EvolutionCommand
{
    public static Command Create()
    {
        var folder = new Option<string>("--snapshots") { Description = "training folder with snapshot_iter_N.onnx files", Required = true };
        var study = new StudyOptions();
        var command = new Command("evolution", "Probe every training snapshot layer by layer (paper Table 4, Fig. 1).") { folder };
        study.AddTo(command);
        command.SetAction(parse => Cli.Guard(() =>
        {
            study.Device(parse);
            var snapshots = SnapshotFolder.Read(parse.GetValue(folder)!);
            var layers = study.Layers(parse);
            NetworkProbes.CheckLayers(snapshots.Select(s => s.Network), layers);
            var task = study.Task(parse, snapshots[^1].Network);
            string output = study.Output(parse);
            var result = EvolutionStudy.Run(snapshots, layers, task, output, task.Split.Test.Name);
            StudyManifest.Write("evolution", output, task, snapshots.Select(s => ($"snapshot_{s.Iteration}", s.Network)), layers, result.Files);
            Console.WriteLine(Reports.TableWriters.Markdown(result.Grid.ToTable("mAP (%) per layer and snapshot")));
            foreach (var (layer, at80, at90) in result.Reach)
                Console.WriteLine($"{layer,-8} ≥80% of final at iteration {at80?.ToString() ?? "–"}, ≥90% at {at90?.ToString() ?? "–"}");
        }));
        return command;
    }
}
