using LayerProbe.Analyses;
using LayerProbe.Features;
using LayerProbe.Networks;
using LayerProbe.Reports;

namespace LayerProbe.Studies;

/// <summary>
/// How much fine-tuning changed each layer's representation of the probe task's test items, with the library's
/// analyses: mean label entropy per unit before and after (<see cref="LabelEntropyAnalysis"/>, docs/method.md §5.1, rank
/// thresholds; paper Fig. 4: fine-tuning lowers entropy mostly in the fc layers) and linear CKA between the layer before
/// and after (<see cref="LinearCka"/>; 1 = the same representation up to rotation and scale).
/// </summary>
public static class FineTuneRepresentations
{
    /// <summary>Layers × (entropy before, entropy after, Δ, CKA before↔after); features come from (or go to) the task's store cache.</summary>
    public static ResultTable Compare(OnnxNetwork before, OnnxNetwork after, IReadOnlyList<string> layers, StudyTask task, string title)
    {
        var items = task.Split.Test;
        var classOf = items.Labels.ClassIndex ?? throw new LayerProbeException($"{items.Name}: label entropy needs single-label items");
        var stores = new[] { before, after }.Select(n =>
            FeatureExtractor.Run(n, items, task.Preprocessor(n), layers, task.StoreRoot, task.Extraction).Stores).ToList();
        var table = new ResultTable(title, "layer", ["entropy before (bits)", "entropy after (bits)", "Δ entropy", "CKA before↔after"]) { Format = "F3" };
        var options = new LabelEntropyOptions { Variants = [EntropyThresholds.Rank] };
        for (int l = 0; l < layers.Count; l++)
        {
            using var a = StoredLayer.Open(stores[0][l].Directory);
            using var b = StoredLayer.Open(stores[1][l].Directory);
            var entropy = LabelEntropyAnalysis.Compute([new EntropyLayer("before", layers[l], a.Rows, a.Shape), new EntropyLayer("after", layers[l], b.Rows, b.Shape)],
                classOf, items.Labels.Classes.Count, options);
            double cka = LinearCka.Between(a.Rows, b.Rows);
            table.Add(layers[l], [entropy[0].Mean, entropy[1].Mean, entropy[1].Mean - entropy[0].Mean, cka]);
        }
        return table;
    }
}
