using Google.Protobuf;
using LayerProbe.Networks;
using LayerProbe.Studies;
using LayerProbe.Tests.Training;
using LayerProbe.Training;

namespace LayerProbe.Tests.Studies;

/// <summary>Paper Tables 1/2/8 and 5 on a tiny real run: fine-tuning effect per layer, short pre-training, and refusals.</summary>
public class FineTuneStudiesTests
{
    [Fact]
    public void Fc_only_fine_tuning_leaves_every_conv_layer_probe_unchanged_and_full_fine_tuning_is_measured_per_layer()
    {
        string report = TrainingFixtures.TempDir();
        var pretrained = SnapshotFolder.Read(StudyFixtures.RunFolder)[^1].Network;
        var recipe = StudyFixtures.Recipe();
        var fcOnly = recipe.Run(pretrained, FineTuningMode.FcOnly, Path.Combine(report, "fc.onnx")).Network;
        var full = recipe.Run(pretrained, FineTuningMode.AllLayers, Path.Combine(report, "full.onnx")).Network;

        var result = FineTuneEffectStudy.Run(pretrained, fcOnly, full, StudyFixtures.Layers, StudyFixtures.Task(report), report, "test task", 5);

        Assert.Equal(FineTuneEffectStudy.Variants, result.Grid.Columns);
        // conv1–conv5 are frozen in fc-only fine-tuning: the same features, so exactly the same probes.
        foreach (var layer in new[] { "pool1", "relu3", "pool5" })
            Assert.Equal(0, result.Delta(Array.IndexOf(StudyFixtures.Layers, layer), 1));
        for (int l = 0; l < StudyFixtures.Layers.Length; l++)
            Assert.True(double.IsFinite(result.Delta(l, 2)));
        Assert.Contains(result.MostChanged, StudyFixtures.Layers);
        var header = File.ReadLines(Path.Combine(report, "finetune-effect.csv")).First();
        Assert.Equal("layer,pretrained,fc-only FT,full FT,Δ fc-only,Δ full", header);
        Assert.True(File.Exists(Path.Combine(report, "paper-table2.md")));
    }

    [Fact]
    public void Fine_tune_effect_refuses_fine_tuned_networks_with_different_class_counts()
    {
        var pretrained = TrainingFixtures.Mini(classes: 4);
        var fourWay = Prepared(pretrained, 4, "a.onnx");
        var threeWay = Prepared(pretrained, 3, "b.onnx");
        var e = Assert.Throws<LayerProbeException>(() => FineTuneEffectStudy.Check(pretrained, threeWay, fourWay));
        Assert.Equal("a.onnx: fc8 has 4 classes but the fc-only network b.onnx has 3; both must be fine-tuned on the same task", e.Message);
        var task = Assert.Throws<LayerProbeException>(() => FineTuneEffectStudy.Check(pretrained, fourWay, fourWay, expectedClasses: 5));
        Assert.Equal("a.onnx: fc8 has 4 classes but the fine-tuning task has 5", task.Message);
    }

    [Fact]
    public void Short_pretraining_fine_tunes_both_snapshots_the_same_way_and_compares_them_per_layer()
    {
        string report = TrainingFixtures.TempDir();
        var snapshots = SnapshotFolder.Read(StudyFixtures.RunFolder);
        var result = ShortPretrainingStudy.Run(snapshots[0], snapshots[^1], StudyFixtures.Recipe(), FineTuningMode.AllLayers,
            StudyFixtures.Layers, StudyFixtures.Task(report), report, "test task");

        Assert.Equal(["iter 2 + FT", "iter 6 + FT"], result.Grid.Columns);
        Assert.All(result.HeldOutTop1, a => Assert.InRange(a!.Value, 0, 1));
        foreach (var it in new[] { 2, 6 })
            Assert.Equal(5, ClassifierLayer.Find(OnnxNetwork.Load(Path.Combine(report, $"ft-from-iter-{it}.onnx")).Model, "fc8", "x").Classes);
        var rows = File.ReadAllLines(Path.Combine(report, "short-pretraining.csv"));
        Assert.Equal(StudyFixtures.Layers.Length + 1, rows.Length);

        var backwards = Assert.Throws<LayerProbeException>(() => ShortPretrainingStudy.Run(snapshots[^1], snapshots[0], StudyFixtures.Recipe(),
            FineTuningMode.AllLayers, StudyFixtures.Layers, StudyFixtures.Task(report), report, "test task"));
        Assert.Contains("must precede the final one", backwards.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Fc_only_recipe_redraws_fc6_and_fc7_with_the_paper_fillers_or_with_he_init(bool he)
    {
        string dir = TrainingFixtures.TempDir();
        var pretrained = SnapshotFolder.Read(StudyFixtures.RunFolder)[^1].Network;
        var recipe = StudyFixtures.Recipe() with { Solver = new SolverSettings { BaseLr = 1e-12, MaxIterations = 1 } };
        var tuned = (recipe with { HeFcInit = he }).Run(pretrained, FineTuningMode.FcOnly, Path.Combine(dir, "fc.onnx")).Network;
        foreach (var layer in new[] { "fc6", "fc7" })
        {
            var blobs = tuned.Model.Graph.Initializer.Where(i => i.Name.Split('.')[0] == layer).ToList();
            var weight = blobs.Single(b => b.Dims.Count == 2);
            var values = OnnxTensors.ReadFloats(weight);
            double std = Math.Sqrt(values.Select(v => (double)v * v).Average());
            double expected = he ? Math.Sqrt(2.0 / (values.Length / weight.Dims[0])) : 0.005;
            Assert.InRange(std, 0.9 * expected, 1.1 * expected);
            Assert.All(OnnxTensors.ReadFloats(blobs.Single(b => b.Dims.Count == 1)), b => Assert.Equal(he ? 0f : 1f, b, 1e-6f));
        }
    }

    static OnnxNetwork Prepared(OnnxNetwork network, int classes, string name) =>
        OnnxNetwork.FromBytes(FineTuning.Prepare(network.Model, classes, FineTuningMode.AllLayers, 1).Model.ToByteArray(), name);
}
