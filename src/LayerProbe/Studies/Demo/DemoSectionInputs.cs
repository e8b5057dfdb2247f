using LayerProbe.Analyses;

namespace LayerProbe.Studies;

/// <summary>
/// What every analysis section of the demo works from: the stores the layer-wise probes already extracted (never
/// re-extracted), their probe results, the split and probe settings, and where outputs and derived stores go.
/// </summary>
/// <param name="Report">Report folder; each section writes a sub-folder of it.</param>
/// <param name="FeatureRoot">Feature store root; transformed stores are written beside the extracted ones.</param>
/// <param name="Split">Trainval/test items and the train/val halves.</param>
/// <param name="Layerwise">Layer-wise probe results and their stores.</param>
/// <param name="Settings">Probe settings of the layer-wise study.</param>
/// <param name="Log">Progress lines.</param>
sealed record DemoSectionInputs(string Report, string FeatureRoot, ProbeSplit Split, LayerwiseProbeRun Layerwise, ProbeSettings Settings,
    TextWriter Log)
{
    /// <summary>The network as plot and table titles name it.</summary>
    public string ModelName { get; init; } = "ResNet-18 (ImageNet)";
    /// <summary>The network as row labels of per-unit tables name it (the model file's name without extension).</summary>
    public string NetworkLabel { get; init; } = "resnet18-imagenet";

    /// <summary>Opens the trainval store of a demo layer.</summary>
    public StoredLayer OpenTrainVal(string layer) => StoredLayer.Open($"{layer}={Layerwise.TrainValStores[Layerwise.IndexOf(layer)].Directory}");
    /// <summary>Opens the test store of a demo layer.</summary>
    public StoredLayer OpenTest(string layer) => StoredLayer.Open($"{layer}={Layerwise.TestStores[Layerwise.IndexOf(layer)].Directory}");

    /// <summary>Opens the test store of every demo layer, in depth order (dispose the group).</summary>
    public StoredLayerGroup OpenEveryTest() =>
        StoredLayerGroup.Open(Layerwise.Results.Select((r, l) => $"{r.Layer}={Layerwise.TestStores[l].Directory}"));

    /// <summary>One-vs-rest labels of the trainval items.</summary>
    public Probes.OneVsRestLabels TrainValLabels => LayerwiseProbe.ToOneVsRest(Split.TrainVal.Labels);
    /// <summary>One-vs-rest labels of the test items.</summary>
    public Probes.OneVsRestLabels TestLabels => LayerwiseProbe.ToOneVsRest(Split.Test.Labels);
}
