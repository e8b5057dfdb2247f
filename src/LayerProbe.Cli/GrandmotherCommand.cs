using System.CommandLine;
using LayerProbe.Analyses;
using LayerProbe.Features.Transforms;
using LayerProbe.Probes;

namespace LayerProbe.Cli;

/// <summary>
/// <c>layerprobe grandmother --train DIR --test DIR --labels FILE --out DIR [--c 0.001] [--ranking ap|entropy]</c>: grandmother cells (E12,
/// docs/method.md §5.2) on the sp-max filter responses of a conv layer (units themselves for fc layers).
/// </summary>
static class GrandmotherCommand
{
    public static Command Create()
    {
        var (train, test) = OptionCatalogue.StorePair();
        train.WithDeprecated("--train");
        test.WithDeprecated("--test", "--test-store");
        var labels = OptionCatalogue.Labels();
        var output = OptionCatalogue.Out();
        var c = OptionCatalogue.CGrid($"{SvmSettings.Probe.C:G3}, the probes' SVM, features scaled to mean norm 20; one value: no search here");
        var ranking = OptionCatalogue.Choice("--ranking", "filter order: ap (per class, single-filter train AP) or entropy (label entropy, one class per item)", ["ap", "entropy"], "ap");
        var command = new Command("grandmother", "Per-class filter ranking, SVMs on the top-k filters, filters needed for 50%/90% AP.")
            { train, test, labels, output, c, ranking };
        command.SetAction(parse => Cli.Guard(() =>
        {
            string outDir = OutputFolder.Prepare(parse.GetValue(output)!); // before any long work
            var labelFile = ItemLabelFile.Read(parse.GetValue(labels)!);
            using var trainStore = StoredLayer.Open(parse.GetValue(train)!);
            using var testStore = StoredLayer.Open(parse.GetValue(test)!);
            if (trainStore.Shape != testStore.Shape) throw LayerProbeException.For(testStore.Directory, $"shape {testStore.Shape} differs from train {trainStore.Shape}");
            string transform = trainStore.Shape.IsFullyConnected ? "unroll" : "sp-max";
            IFeatureRows Filters(StoredLayer s) => FeatureTransforms.Apply(s.Rows, s.Shape, s.Name, transform).Materialize();
            var options = new GrandmotherCellOptions
            {
                Svm = SvmSettings.Probe with { C = parse.GetValue(c) is { } g ? ProbeSettings.SingleC(g) : SvmSettings.Probe.C },
                Ranking = parse.GetValue(ranking) == "entropy" ? FilterRankingCriterion.LabelEntropy : FilterRankingCriterion.SingleFilterAp,
            };
            var result = GrandmotherCells.Run(Filters(trainStore), labelFile.For(trainStore.Ids), Filters(testStore), labelFile.For(testStore.Ids),
                options, outDir, new() { ["train"] = trainStore.Identity, ["test"] = testStore.Identity, ["labels"] = Path.GetFullPath(labelFile.Path), ["transform"] = transform });
            foreach (var cls in result.Classes)
                Console.WriteLine($"{cls.Class,-14} AP(all) {100 * cls.TestAp[^1],5:F1}  k50 {cls.K50,4}  k90 {cls.K90,4}  best filter {cls.FilterRanking[0]}");
        }));
        return command;
    }
}
