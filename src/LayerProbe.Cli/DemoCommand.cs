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
        var command = new Command("demo", "Run the embedded demo: layer-wise probes of ImageNet ResNet-18 on Fashion-MNIST.")
            { output, train, test, size, seed, half, skipTraining };
        var device = new DeviceOption();
        device.AddTo(command);
        command.SetAction(parse => Cli.Guard(() =>
        {
            int perClassTrain = parse.GetValue(train), perClassTest = parse.GetValue(test), inputSize = parse.GetValue(size);
            if (perClassTrain < 2 || perClassTest < 1) throw new LayerProbeException("demo: need ≥ 2 trainval and ≥ 1 test images per class");
            if (inputSize < 32) throw new LayerProbeException($"demo: --size {inputSize} is too small for ResNet-18 (≥ 32)");
            DemoStudy.Run(new DemoOptions
            {
                OutputDirectory = parse.GetValue(output)!, TrainPerClass = perClassTrain, TestPerClass = perClassTest,
                InputSize = inputSize, Seed = parse.GetValue(seed), Float16 = parse.GetValue(half), SkipTraining = parse.GetValue(skipTraining),
                Device = device.Value(parse),
            });
        }));
        return command;
    }
}
