using LayerProbe.Cli;
using LayerProbe.Data;
using LayerProbe.Networks;
using LayerProbe.Proposals;
using LayerProbe.Scenes;
using LayerProbe.Tests.Data;
using LayerProbe.Training;

namespace LayerProbe.Tests.Training;

/// <summary>A tiny Fashion-MNIST scenes devkit (4 trainval images) with selective-search proposals in a proposals store.</summary>
public sealed class DetectionScenesFixture : IDisposable
{
    internal TempDir Dir { get; } = new();
    public string YearFolder => Dir.Combine("scenes", "VOC2007");
    public string Store { get; }

    public DetectionScenesFixture()
    {
        FashionScenes.Generate(new SceneSettings { Images = 8, Seed = 5 }, Dir.Combine("scenes"), TextWriter.Null);
        Store = ProposalRun.Compute(ImageFileSet.FromSpec($"voc2007:{YearFolder}:trainval"), SelectiveSearchSettings.Fast, Dir.Combine("proposals"), 2).Directory;
    }

    public void Dispose() => Dir.Dispose();
}

/// <summary>
/// Fine-tuning for detection (docs/method.md §1.5) from a proposals store: the windows drawn per batch follow R-CNN's
/// rules (checked with an IoU written out here, not the code's), and <c>layerprobe train</c> fine-tunes a network with a
/// classifier (replaced) and the headless built-in ResNet-18 (a classifier appended).
/// </summary>
[Collection("Console")]
public class DetectionFineTuningTests(DetectionScenesFixture scenes) : IClassFixture<DetectionScenesFixture>
{
    /// <summary>IoU with the +1 convention, written out independently of <c>BoxOverlap</c>.</summary>
    static double Iou(PixelBox a, PixelBox b)
    {
        double w = Math.Min(a.X2, b.X2) - Math.Max(a.X1, b.X1) + 1, h = Math.Min(a.Y2, b.Y2) - Math.Max(a.Y1, b.Y1) + 1;
        if (w <= 0 || h <= 0) return 0;
        double inter = w * h;
        return inter / ((a.X2 - a.X1 + 1) * (a.Y2 - a.Y1 + 1) + (b.X2 - b.X1 + 1) * (b.Y2 - b.Y1 + 1) - inter);
    }

    [Theory]
    [InlineData("rcnn")]
    [InlineData("gt")]
    public void Batches_of_128_hold_32_foreground_windows_and_follow_the_label_rule(string ruleName)
    {
        var rule = WindowRule.Parse(ruleName);
        var devkit = new VocDevkit(scenes.YearFolder);
        var windows = VocWindows.FromStore(devkit, "trainval", scenes.Store, rule, WindowDevkit.Warp(32, 4));
        var annotations = devkit.ImageIds("trainval").Select(devkit.Annotation).ToDictionary(a => a.ImageId);
        var sampler = new WindowSampler(windows.Foreground, windows.Background, 128, seed: 9);
        Assert.Equal(32, sampler.ForegroundPerBatch);
        var draws = new (int Index, bool Mirror)[128];
        int mirrored = 0;
        for (long iteration = 0; iteration < 5; iteration++)
        {
            sampler.Batch(iteration, draws);
            for (int k = 0; k < draws.Length; k++)
            {
                int index = k < 32 ? draws[k].Index : windows.Foreground + draws[k].Index;
                var (id, box) = windows.Window(index);
                var gt = annotations[id].Objects;
                double best = gt.Count == 0 ? 0 : gt.Max(o => Iou(box, o.Box));
                int label = windows.Label(index);
                mirrored += draws[k].Mirror ? 1 : 0;
                if (k < 32)
                {
                    // foreground: the class of a GT box it overlaps by ≥ fg threshold (GT boxes themselves under "gt")
                    Assert.InRange(label, 1, devkit.Classes.Count);
                    double ofClass = gt.Where(o => o.ClassIndex == label - 1).Max(o => Iou(box, o.Box));
                    Assert.True(ofClass >= rule.FgThreshold, $"foreground window {box} of {id}: IoU {ofClass} with its class");
                    Assert.Equal(best, ofClass, 12);
                }
                else
                {
                    Assert.Equal(0, label);
                    Assert.True(best < rule.BgThreshold, $"background window {box} of {id}: IoU {best}");
                }
            }
        }
        Assert.InRange(mirrored, 640 / 2 - 80, 640 / 2 + 80); // mirrored with probability ½

        // The labels the trainer gets are the drawn windows' labels.
        var inputs = new float[128 * 3 * 32 * 32];
        var labels = new long[128];
        windows.FillBatch(9, 4, inputs, labels);
        Assert.Equal(draws.Select((d, k) => (long)windows.Label(k < 32 ? d.Index : windows.Foreground + d.Index)), labels);
    }

    [Fact]
    public void Train_fine_tunes_a_network_with_a_classifier_from_a_proposals_store_and_refuses_a_csv()
    {
        using var tmp = new TempDir();
        string net = tmp.Combine("mini.onnx");
        CaffeNet.Write(CaffeNetSpec.Mini(64, 3, 8, 64, 7, 3), net); // a 7-way classifier, Caffe convention in its metadata
        string data = $"voc2007-windows:{scenes.YearFolder}:trainval", outDir = tmp.Combine("ft");
        var (code, output) = Run(["train", "--model", net, "--data", data, "--proposals", scenes.Store, "--finetune", "all", "--context-pad", "4",
            "--iterations", "2", "--batch", "8", "--threads", "1", "--out", outDir]);
        Assert.True(code == 0, output);
        var snapshot = OnnxNetwork.Load(Path.Combine(outDir, "snapshot_iter_2.onnx"));
        Assert.Equal(11, ClassifierLayer.Find(snapshot.Model, null, "snapshot").Classes); // 10 scene classes + background
        Assert.DoesNotContain("appended", output);

        string csv = tmp.Combine("boxes.csv");
        File.WriteAllText(csv, "image_id,x1,y1,x2,y2\n");
        (code, output) = Run(["train", "--model", net, "--data", data, "--proposals", csv, "--finetune", "all", "--iterations", "1", "--out", tmp.Combine("x")]);
        Assert.Equal(2, code);
        Assert.Contains($"layerprobe: {csv}: is a file; --proposals takes a proposals store folder: import it first with 'layerprobe proposals --data voc2007:", output);
    }

    [Fact]
    public void Train_appends_a_classifier_to_the_headless_resnet18_and_fine_tunes_it_for_detection()
    {
        using var tmp = new TempDir();
        string outDir = tmp.Combine("ft");
        var (code, output) = Run(["train", "--model", "resnet18-imagenet", "--data", $"voc2007-windows:{scenes.YearFolder}:trainval", "--proposals", scenes.Store,
            "--finetune", "all", "--iterations", "1", "--batch", "4", "--threads", "2", "--out", outDir]);
        Assert.True(code == 0, output);
        Assert.Contains("no classifier in the graph; appended a 11-way fully connected classifier on 'Pooling395_Output_0'", output);
        var original = OnnxNetwork.Load("resnet18-imagenet");
        var tuned = OnnxNetwork.Load(Path.Combine(outDir, "snapshot_iter_1.onnx"));
        var classifier = ClassifierLayer.Find(tuned.Model, null, "snapshot");
        Assert.Equal((11, 512), (classifier.Classes, classifier.Inputs));
        Assert.Equal(AppendedClassifier.NodeName, classifier.LayerName);
        // every layer trained: the first convolution's weights moved
        string conv = original.Model.Graph.Node.First(n => n.OpType == "Conv").Input[1];
        Assert.NotEqual(Floats(original, conv), Floats(tuned, conv));
        // the snapshot carries the input convention it was fed in, so it needs no --preprocess later
        Assert.Equal(InputConvention.CntkResNet.Name, Preprocessing.ConventionOf(tuned).Name);
    }

    [Fact]
    public void An_appended_classifier_is_initialised_the_rcnn_way_and_fc_only_freezes_the_backbone()
    {
        var resnet = OnnxNetwork.Load("resnet18-imagenet");
        Assert.Null(ClassifierLayer.TryFind(resnet.Model));
        var (model, multipliers, appended) = FineTuning.ForNetwork(resnet, 21, FineTuningMode.FcOnly, seed: 4);
        Assert.True(appended);
        var layer = ClassifierLayer.Find(model, null, "appended");
        Assert.Equal((21, 512, true), (layer.Classes, layer.Inputs, layer.Transposed));
        var w = OnnxTensors.ReadFloats(layer.Weight);
        double mean = w.Average(v => (double)v), std = Math.Sqrt(w.Average(v => (v - mean) * (v - mean)));
        Assert.InRange(mean, -0.001, 0.001);
        Assert.InRange(std, 0.0095, 0.0105); // Gaussian std 0.01 over 10,752 draws
        Assert.All(OnnxTensors.ReadFloats(layer.Bias!), b => Assert.Equal(0f, b));
        var frozen = FineTuning.FrozenNodes(model, layer);
        Assert.Equal(ParameterRoles.Of(model).Owners.Where(o => o != layer.LayerName).Order(), frozen.Order()); // all but the new classifier
        // ONNX Runtime runs the result: 21 scores per image
        var with = OnnxNetwork.FromBytes(Google.Protobuf.MessageExtensions.ToByteArray(model), "appended");
        Assert.Equal(new[] { 21 }, LayerTable.Read(with).Single(l => l.Value == layer.Output).Shape);
    }

    static float[] Floats(OnnxNetwork network, string initializer) => OnnxTensors.ReadFloats(network.Model.Graph.Initializer.Single(i => i.Name == initializer));

    static (int Code, string Output) Run(string[] args)
    {
        var (outWriter, errWriter) = (new StringWriter(), new StringWriter());
        var (savedOut, savedErr) = (Console.Out, Console.Error);
        Console.SetOut(outWriter);
        Console.SetError(errWriter);
        try { return (CliApp.Run(args), outWriter + "\n" + errWriter); }
        finally { Console.SetOut(savedOut); Console.SetError(savedErr); }
    }
}
