using System.CommandLine;
using System.Diagnostics;
using LayerProbe.Networks;
using LayerProbe.Studies;

namespace LayerProbe.Cli;

/// <summary>
/// <c>layerprobe finetune-effect --pretrained A.onnx --fc-only B.onnx --full C.onnx --trainval SPEC --test SPEC --out DIR</c>:
/// layer-wise probes of a network and its two fine-tuned versions on one task (paper Tables 1, 2, 8), or R-CNN detection
/// per layer when both item sets are region items (Tables 1 DET, 3; <see cref="FineTuneEffectDetection"/>).
/// </summary>
static class FineTuneEffectCommand
{
    public static Command Create()
    {
        var pretrained = new Option<string>("--pretrained") { Description = "the pre-trained network (ONNX)", Required = true };
        var fcOnly = new Option<string>("--fc-only") { Description = "it fine-tuned with conv layers frozen (layerprobe train --finetune fc-only)", Required = true };
        var full = new Option<string>("--full") { Description = "it fine-tuned with all layers (layerprobe train --finetune all)", Required = true };
        var study = new StudyOptions();
        var command = new Command("finetune-effect", "Layer-wise probes before and after fc-only and full fine-tuning (paper Tables 1, 2, 8); R-CNN detection per layer on region items (Tables 1 DET, 3).")
            { pretrained, fcOnly, full };
        study.AddTo(command);
        command.SetAction(parse => Cli.Guard(() =>
        {
            study.Device(parse);
            var networks = new[] { pretrained, fcOnly, full }.Select(o => OnnxNetwork.Load(parse.GetValue(o)!)).ToArray();
            FineTuneEffectStudy.Check(networks[0], networks[1], networks[2]);
            using var detection = study.DetectionTask(parse);
            var layers = study.Layers(parse, detection is not null);
            NetworkProbes.CheckLayers(networks, layers);
            if (detection is not null)
            {
                RunDetection(networks, layers, detection, OutputFolder.Prepare(study.Output(parse)));
                return;
            }
            var task = study.Task(parse, networks[0]);
            string output = study.Output(parse);
            var result = FineTuneEffectStudy.Run(networks[0], networks[1], networks[2], layers, task, output, task.Split.Test.Name);
            StudyManifest.Write("finetune-effect", output, task, FineTuneEffectStudy.Variants.Zip(networks), layers, result.Files);
            Console.WriteLine(File.ReadAllText(Path.Combine(output, "finetune-effect.md")));
            Console.WriteLine($"largest change under full fine-tuning: {result.MostChanged}");
        }));
        return command;
    }

    /// <summary>The detection columns (paper Tables 1 DET and 3): R-CNN detection per layer with each network.</summary>
    static void RunDetection(OnnxNetwork[] networks, IReadOnlyList<string> layers, DetectionStudyTask task, string output)
    {
        var clock = Stopwatch.StartNew();
        var result = FineTuneEffectDetection.Run(networks[0], networks[1], networks[2], layers, task, output, task.Test.Name);
        StudyManifest.Write("finetune-effect", output, task, FineTuneEffectStudy.Variants.Zip(networks), layers, result.Grid, result.Files, clock.Elapsed);
        foreach (var stem in new[] { "finetune-effect-detection", "finetune-effect-detection-per-class", "finetune-effect-detection-vs-paper" })
            Console.WriteLine(File.ReadAllText(Path.Combine(output, stem + ".md")));
    }
}
