using System.CommandLine;
using LayerProbe.Analyses;
using LayerProbe.Analyses.Heads;
using LayerProbe.Features.Transforms;
using LayerProbe.Probes;

namespace LayerProbe.Cli;

/// <summary>
/// <c>layerprobe heads --train DIR --test DIR --labels FILE --out DIR [--transform unroll] [--heads linear,chi2,…]</c>:
/// linear vs non-linear heads on one stored layer (E13).
/// </summary>
static class HeadsCommand
{
    public static Command Create()
    {
        var (train, test) = OptionCatalogue.StorePair();
        train.WithDeprecated("--train");
        test.WithDeprecated("--test", "--test-store");
        var labels = OptionCatalogue.Labels();
        var output = OptionCatalogue.Out();
        var transform = OptionCatalogue.Choice("--transform", "feature transform first", [.. FeatureTransforms.Names], "unroll");
        string[] known = ["linear", "chi2", "intersection", "rff", "mlp"];
        var heads = OptionCatalogue.ChoiceList("--heads", "heads to compare", known, known);
        var c = OptionCatalogue.CGrid($"{SvmSettings.Probe.C:G3}: the probes' SVM in the linear and kernel-map heads; one value: no search here");
        var features = new Option<int>("--rff-features") { Description = "random Fourier features", DefaultValueFactory = _ => 2048 };
        var hidden = new Option<int>("--hidden") { Description = "MLP hidden units", DefaultValueFactory = _ => 256 };
        var epochs = new Option<int>("--epochs") { Description = "MLP epochs", DefaultValueFactory = _ => 30 };
        var command = new Command("heads", "Compare linear and non-linear classifiers on a stored layer.")
            { train, test, labels, output, transform, heads, c, features, hidden, epochs };
        command.SetAction(parse => Cli.Guard(() =>
        {
            string outDir = OutputFolder.Prepare(parse.GetValue(output)!); // before any long work
            var labelFile = ItemLabelFile.Read(parse.GetValue(labels)!);
            using var trainStore = StoredLayer.Open(parse.GetValue(train)!);
            using var testStore = StoredLayer.Open(parse.GetValue(test)!);
            if (trainStore.Shape != testStore.Shape) throw LayerProbeException.For(testStore.Directory, $"shape {testStore.Shape} differs from train {trainStore.Shape}");
            string name = parse.GetValue(transform)!;
            var x = FeatureTransforms.Apply(trainStore.Rows, trainStore.Shape, trainStore.Name, name);
            var xTest = FeatureTransforms.Apply(testStore.Rows, testStore.Shape, testStore.Name, name);
            var svm = SvmSettings.Probe with { C = parse.GetValue(c) is { } g ? ProbeSettings.SingleC(g) : SvmSettings.Probe.C };
            var list = parse.GetValue(heads)!.Select(h => h switch
            {
                "linear" => new LinearHead(svm),
                "chi2" => new LinearHead(svm, new AdditiveKernelMap(AdditiveKernel.ChiSquared)),
                "intersection" => new LinearHead(svm, new AdditiveKernelMap(AdditiveKernel.Intersection)),
                "rff" => new LinearHead(svm, new RandomFourierFeatures(x.Dimensions, parse.GetValue(features), RandomFourierFeatures.MedianHeuristicGamma(x))),
                "mlp" => (IProbeHead)new MlpHead(new MlpSettings(Hidden: parse.GetValue(hidden), Epochs: parse.GetValue(epochs))),
                _ => throw LayerProbeException.For("--heads", $"unknown head '{h}' (known: linear, chi2, intersection, rff, mlp)"),
            }).ToList();
            var results = NonLinearHeads.Run(x, labelFile.For(trainStore.Ids), xTest, labelFile.For(testStore.Ids), list, $"{trainStore.Name} ({name})",
                outDir, new() { ["train"] = trainStore.Identity, ["test"] = testStore.Identity, ["labels"] = Path.GetFullPath(labelFile.Path) });
            foreach (var r in results) Console.WriteLine($"{r.Head,-22} mAP {100 * r.Mean.ElevenPoint:F1}  ({r.Seconds:F1} s)");
        }));
        return command;
    }
}
