using System.Globalization;

namespace LayerProbe.Studies;

/// <summary>
/// The embedded demo: the shipped study file <c>studies/demo.yaml</c> — the paper's layer-wise experiment (draft
/// Table 9) in miniature on what ships with the tool, the ImageNet ResNet-18 from NuGet as the pre-trained network and
/// Fashion-MNIST from Debian as the target task, then the analyses of what the layers encode and the training
/// studies. <see cref="DemoOptions"/> are overrides of that file (<see cref="Overrides"/>), so <c>layerprobe demo</c>
/// and <c>layerprobe study studies/demo.yaml</c> with the same settings are the same run.
/// </summary>
public static class DemoStudy
{
    /// <summary>Stage layers of the ResNet-18, in depth order (the study file's <c>layers</c>).</summary>
    public static readonly string[] Layers =
        ["stem", "stem-relu", "pool1", "res2a", "res2b", "res3a", "res3b", "res4a", "res4b", "res5a", "res5b", "res5c", "pool5"];

    /// <summary>Runs the demo and writes its report; returns the report folder.</summary>
    public static string Run(DemoOptions options, TextWriter? log = null) =>
        Study.LoadShipped("demo", Overrides(options)).Run(log).ReportDirectory;

    /// <summary>
    /// The demo's options as <c>key=value</c> overrides of <c>studies/demo.yaml</c>. The detection section scales with the
    /// trainval size unless given: 4/5 of trainval-per-class scenes (80 at 100, at least 8), as many proposals per
    /// scene (20–100), and 2 fine-tuning iterations per trainval image per class (200 at 100).
    /// </summary>
    public static IReadOnlyList<string> Overrides(DemoOptions options)
    {
        if (options.FashionMnistFolder != Data.FashionMnist.DefaultFolder)
            throw LayerProbeException.For(options.FashionMnistFolder, "the demo reads Fashion-MNIST from its default folder only (the data specification fashion-mnist: has no folder)");
        string I(int v) => v.ToString(CultureInfo.InvariantCulture);
        return
        [
            $"output={options.OutputDirectory}",
            $"networks.resnet18.size={I(options.InputSize)}",
            $"data.fashion-mnist.trainval=fashion-mnist:train:{I(options.TrainPerClass)}:{I(options.Seed)}",
            $"data.fashion-mnist.test=fashion-mnist:test:{I(options.TestPerClass)}:{I(options.Seed)}",
            $"features.float16={(options.Float16 ? "true" : "false")}",
            $"features.device={options.Device}",
            $"probe.c=[{string.Join(", ", options.CGrid.Select(c => c.ToString("R", CultureInfo.InvariantCulture)))}]",
            $"steps.training.train_per_class={I(options.TrainPerClass)}",
            $"steps.training.test_per_class={I(options.TestPerClass)}",
            $"steps.training.seed={I(options.Seed)}",
            $"steps.training.skip={(options.SkipTraining ? "true" : "false")}",
            $"steps.detection.skip={(options.SkipDetection ? "true" : "false")}",
            $"steps.detection.scenes.images={I(options.DetectionImages ?? Math.Max(8, 4 * options.TrainPerClass / 5))}",
            $"steps.detection.scenes.seed={I(options.Seed)}",
            $"steps.detection.proposals.max_per_image={I(options.MaxProposals ?? Math.Clamp(options.TrainPerClass, 20, 100))}",
            $"steps.detection.runs.caffenet-mini.finetune.iterations={I(Math.Max(10, 2 * options.TrainPerClass))}",
            .. options.Set,
        ];
    }
}
