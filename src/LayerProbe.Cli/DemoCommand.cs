using System.CommandLine;
using LayerProbe.Studies;

namespace LayerProbe.Cli;

/// <summary><c>layerprobe demo</c>: the embedded demo (ResNet-18 ImageNet probed layer by layer on Fashion-MNIST).</summary>
static class DemoCommand
{
    public static Command Create()
    {
        var defaults = new DemoOptions();
        var output = new Option<string>("--out") { Description = "output folder (features cache + report)", DefaultValueFactory = _ => defaults.OutputDirectory };
        var train = new Option<int>("--trainval-per-class") { Description = "trainval images per class", DefaultValueFactory = _ => defaults.TrainPerClass }.WithDeprecated("--train-per-class");
        var test = new Option<int>("--test-per-class") { Description = "test images per class", DefaultValueFactory = _ => defaults.TestPerClass };
        var size = new Option<int>("--size") { Description = "network input side (the ResNet-18 is adapted to it)", DefaultValueFactory = _ => defaults.InputSize };
        var seed = OptionCatalogue.Seed("subset seed", defaults.Seed);
        var half = OptionCatalogue.Float16();
        var skipTraining = new Option<bool>("--skip-training") { Description = "skip the CaffeNet-mini training section" };
        var skipDetection = new Option<bool>("--skip-detection") { Description = "skip the detection section (scenes, proposals, R-CNN detection)" };
        var detectionImages = new Option<int?>("--detection-images") { Description = "scenes of the detection section, trainval + test (default: 4/5 of --trainval-per-class, at least 8)" };
        var maxProposals = new Option<int?>("--max-proposals") { Description = "proposals per scene, the first N in rank order (default: --trainval-per-class within 20–100)" };
        var set = new Option<string[]>("--set") { Description = "KEY.PATH=VALUE override of studies/demo.yaml, applied last (repeatable; e.g. steps.detection.c=0.001)", AllowMultipleArgumentsPerToken = false };
        var command = new Command("demo", "Run the embedded demo: layer-wise probes of ImageNet ResNet-18 on Fashion-MNIST, analyses, training studies and R-CNN detection on Fashion-MNIST scenes.")
            { output, train, test, size, seed, half, skipTraining, skipDetection, detectionImages, maxProposals, set };
        var device = new DeviceOption();
        device.AddTo(command);
        command.SetAction(parse => Cli.Guard(() =>
        {
            int perClassTrain = parse.GetValue(train), perClassTest = parse.GetValue(test), inputSize = parse.GetValue(size);
            if (perClassTrain < 2 || perClassTest < 1) throw new LayerProbeException("demo: need ≥ 2 trainval and ≥ 1 test images per class");
            if (inputSize < 32) throw new LayerProbeException($"demo: --size {inputSize} is too small for ResNet-18 (≥ 32)");
            if (parse.GetValue(detectionImages) is < 4) throw new LayerProbeException("demo: --detection-images must be at least 4 (trainval and test need two each)");
            if (parse.GetValue(maxProposals) is < 1) throw new LayerProbeException("demo: --max-proposals must be at least 1");
            DemoStudy.Run(new DemoOptions
            {
                OutputDirectory = parse.GetValue(output)!, TrainPerClass = perClassTrain, TestPerClass = perClassTest,
                InputSize = inputSize, Seed = parse.GetValue(seed), Float16 = parse.GetValue(half), SkipTraining = parse.GetValue(skipTraining),
                Device = device.Value(parse), SkipDetection = parse.GetValue(skipDetection), DetectionImages = parse.GetValue(detectionImages),
                MaxProposals = parse.GetValue(maxProposals), Set = parse.GetValue(set) ?? [],
            });
        }));
        return command;
    }
}
