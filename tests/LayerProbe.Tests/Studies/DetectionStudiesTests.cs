using System.Globalization;
using System.Text.Json;
using Google.Protobuf;
using LayerProbe.Cli;
using LayerProbe.Data;
using LayerProbe.Networks;
using LayerProbe.Proposals;
using LayerProbe.Reports;
using LayerProbe.Scenes;
using LayerProbe.Tests.Data;
using LayerProbe.Training;

namespace LayerProbe.Tests.Studies;

/// <summary>
/// A tiny Fashion-MNIST scenes devkit (6 trainval + 6 test images) with selective-search proposals capped at the best
/// 120 per image, a He-initialised CaffeNet-mini (64×64 colour input, 7-way classifier) as the "pre-trained" network,
/// and it fine-tuned for detection on the trainval windows: fc-only, and all layers (snapshots at 1 and 2, one run).
/// </summary>
public sealed class DetectionStudyFixture : IDisposable
{
    internal TempDir Dir { get; } = new();
    public string Devkit => Dir.Combine("scenes", "VOC2007");
    public string TrainVal { get; }
    public string Test { get; }
    public string TrainValStore { get; }
    public string Pretrained { get; }
    public string FcOnly { get; }
    public string Full { get; }
    public string FullEarly { get; }

    public DetectionStudyFixture()
    {
        FashionScenes.Generate(new SceneSettings { Images = 12, Seed = 5 }, Dir.Combine("scenes"), TextWriter.Null);
        TrainValStore = Capped("trainval");
        TrainVal = $"voc2007:{Devkit}:trainval:proposals:{TrainValStore}";
        Test = $"voc2007:{Devkit}:test:proposals:{Capped("test")}";
        Pretrained = Dir.Combine("pretrained.onnx");
        File.WriteAllBytes(Pretrained, HeInit.Apply(CaffeNet.Build(CaffeNetSpec.Mini(64, 3, 8, 64, 7, 3)), seed: 7).ToByteArray());
        FcOnly = FineTune(FineTuningMode.FcOnly, "fc-only", []);
        Full = FineTune(FineTuningMode.AllLayers, "full", [1]);
        FullEarly = Path.Combine(Path.GetDirectoryName(Full)!, "snapshot_iter_1.onnx");
    }

    /// <summary>Selective search (fast) on a split, its first 120 boxes per image imported as the split's proposals store.</summary>
    string Capped(string split)
    {
        var images = ImageFileSet.FromSpec($"voc2007:{Devkit}:{split}");
        string all = ProposalRun.Compute(images, SelectiveSearchSettings.Fast, Dir.Combine("ss-" + split), 2).Directory;
        string csv = Dir.Combine(split + ".csv");
        using (var store = ProposalStore.Open(all))
            File.WriteAllLines(csv, store.Images.SelectMany((image, i) => store.Boxes(i).Take(120)
                .Select(b => string.Create(CultureInfo.InvariantCulture, $"{image.Id},{b.X1},{b.Y1},{b.X2},{b.Y2}"))));
        return ProposalImport.Import(images, csv, Dir.Combine("proposals-" + split)).Directory;
    }

    string FineTune(FineTuningMode mode, string name, IReadOnlyList<int> snapshots)
    {
        string output = Dir.Combine(name);
        TrainingJob.Run(new TrainingJobSettings
        {
            Model = Pretrained, Data = $"voc2007-windows:{Devkit}:trainval", DataRequest = new TrainingDataRequest { Windows = new WindowSettings(TrainValStore) },
            Solver = new SolverSettings { BaseLr = 0.001, MaxIterations = 2 }, FineTune = mode,
            Options = new TrainerOptions { BatchSize = 16, Seed = 2, Snapshots = snapshots, OutputDirectory = output, Threads = 2, Log = TextWriter.Null },
        });
        return Path.Combine(output, "snapshot_iter_2.onnx");
    }

    public void Dispose() => Dir.Dispose();
}

/// <summary>
/// The detection columns of the training studies (paper Tables 1 DET, 3, 5) through the CLI: <c>finetune-effect</c> on
/// region items against separate <c>probe</c> runs of each network, <c>short-pretraining</c> fine-tuning both snapshots
/// for detection, and bad input as one line with exit code 2.
/// </summary>
[Collection("Console")]
public class DetectionStudiesTests(DetectionStudyFixture scenes) : IClassFixture<DetectionStudyFixture>
{
    static (int Code, string Out, string Error) Run(params string[] args)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        var (savedOut, savedError) = (Console.Out, Console.Error);
        Console.SetOut(output);
        Console.SetError(error);
        try { return (CliApp.Run(args), output.ToString(), error.ToString()); }
        finally { Console.SetOut(savedOut); Console.SetError(savedError); }
    }

    static ResultTable Table(string directory, string stem) => TableWriters.ReadJson(Path.Combine(directory, stem + ".json"));

    static double Map(ResultTable table, int row) => table.Rows[row].Values[^1]!.Value;

    [Fact]
    public void Finetune_effect_on_region_items_detects_with_three_networks_and_its_changes_are_those_of_separate_probe_runs()
    {
        using var tmp = new TempDir();
        string report = tmp.Combine("study");
        string[] layers = ["pool5", "fc6", "fc7"];
        var (code, stdout, error) = Run("finetune-effect", "--pretrained", scenes.Pretrained, "--fc-only", scenes.FcOnly, "--full", scenes.Full,
            "--trainval", scenes.TrainVal, "--test", scenes.Test, "--layers", string.Join(",", layers), "--out", report);
        Assert.True(code == 0, error + stdout);
        Assert.Contains("| fc7-fc-ft |", stdout);

        // the independent route: `probe` on each network alone, with its own feature stores and detectors
        var probed = new[] { scenes.Pretrained, scenes.FcOnly, scenes.Full }.Select((model, n) =>
        {
            string outDir = tmp.Combine($"probe-{n}");
            var (c, o, e) = Run("probe", "--model", model, "--trainval", scenes.TrainVal, "--test", scenes.Test, "--layers", string.Join(",", layers), "--out", outDir);
            Assert.True(c == 0, e + o);
            return Table(outDir, "detection");
        }).ToArray();

        var table = Table(report, "finetune-effect-detection");
        Assert.Equal(["pretrained", "fc-only FT", "full FT", "Δ fc-only", "Δ full"], table.Columns);
        Assert.Equal(layers, table.Rows.Select(r => r.Label));
        for (int l = 0; l < layers.Length; l++)
        {
            var row = table.Rows[l].Values;
            for (int n = 0; n < 3; n++) Assert.Equal(Map(probed[n], l), row[n]!.Value, 9);
            Assert.Equal(Map(probed[1], l) - Map(probed[0], l), row[3]!.Value, 9);
            Assert.Equal(Map(probed[2], l) - Map(probed[0], l), row[4]!.Value, 9);
        }
        Assert.Contains(table.Rows, r => r.Values.Take(3).Any(v => v > 0)); // something was detected: the equalities are not 0 = 0 − 0
        Assert.Equal(0, table.Rows[0].Values[3]); // fc-only fine-tuning froze the conv layers: pool5 detects exactly as before

        // Table 3's shape: per layer pretrained, full FT (-ft), fc-only FT (-fc-ft); AP per class as each network's own table
        var perClass = Table(report, "finetune-effect-detection-per-class");
        Assert.Equal(layers.SelectMany(l => new[] { l, l + "-ft", l + "-fc-ft" }), perClass.Rows.Select(r => r.Label));
        Assert.Equal(probed[2].Rows[1].Values, perClass.Rows[4].Values); // fc6-ft
        Assert.Equal(probed[1].Rows[2].Values, perClass.Rows[8].Values); // fc7-fc-ft

        // beside the paper: Table 1's DET column; Table 3's mAP only, since the scene classes are not VOC's
        Assert.Equal(["pool5", "relu6", "relu7"], Table(report, "paper-table1-det").Rows.Select(r => r.Label));
        var paper3 = Table(report, "paper-table3");
        Assert.Equal(["mAP"], paper3.Columns);
        Assert.Equal(PaperAnchors.Table3.Select(r => r.MeanAp), paper3.Rows.Select(r => r.Values[0]!.Value));
        Assert.Contains(paper3.Notes, n => n.StartsWith("Only the paper's mAP column", StringComparison.Ordinal));
        foreach (var folder in new[] { "pretrained", "fc-only-ft", "full-ft" })
        {
            Assert.True(File.Exists(Path.Combine(report, folder, "detection.md")), folder);
            Assert.True(Directory.Exists(Path.Combine(report, folder, "detections", "fc7")), folder);
        }

        // the manifest names every network, the proposals stores, the settings and each network's stores and detectors
        var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(report, "manifest.json"))).RootElement;
        var inputs = manifest.GetProperty("inputs");
        foreach (var (name, path) in new[] { ("pretrained", scenes.Pretrained), ("fc-only FT", scenes.FcOnly), ("full FT", scenes.Full) })
            Assert.StartsWith($"{path} sha256:{OnnxNetwork.Load(path).Sha256}", inputs.GetProperty(name).GetString());
        Assert.EndsWith($"proposals {scenes.TrainValStore}", inputs.GetProperty("trainval").GetString());
        var settings = manifest.GetProperty("settings");
        Assert.Equal(0.001, settings.GetProperty("detector_training").GetProperty("svm").GetProperty("c").GetDouble());
        var perNetwork = settings.GetProperty("per_network").EnumerateArray().ToList();
        Assert.Equal(3, perNetwork.Count);
        Assert.All(perNetwork.SelectMany(n => n.GetProperty("layers").EnumerateArray()), l => Assert.True(File.Exists(l.GetProperty("detectorFile").GetString())));
    }

    [Fact]
    public void Short_pretraining_on_region_items_fine_tunes_both_snapshots_for_detection_and_detects_with_them()
    {
        using var tmp = new TempDir();
        string report = tmp.Combine("short");
        var (code, stdout, error) = Run("short-pretraining", "--early", scenes.FullEarly, "--final", scenes.Full, "--trainval", scenes.TrainVal, "--test", scenes.Test,
            "--iterations", "2", "--batch", "16", "--threads", "2", "--layers", "pool5,fc7", "--out", report);
        Assert.True(code == 0, error + stdout);

        // both starts fine-tuned for detection: an (N+1)-way classifier, and every layer moved away from its start
        foreach (var (iteration, start) in new[] { (1, scenes.FullEarly), (2, scenes.Full) })
        {
            var tuned = OnnxNetwork.Load(Path.Combine(report, $"ft-from-iter-{iteration}.onnx"));
            Assert.Equal(11, ClassifierLayer.Find(tuned.Model, null, "tuned").Classes); // 10 scene classes + background
            var original = OnnxNetwork.Load(start);
            string conv = original.Model.Graph.Node.First(n => n.OpType == "Conv").Input[1];
            Assert.NotEqual(Floats(original, conv), Floats(tuned, conv));
        }
        var table = Table(report, "short-pretraining-detection");
        Assert.Equal(["iter 1 + FT", "iter 2 + FT", "Δ (early − final)"], table.Columns);
        Assert.Equal(["pool5", "fc7"], table.Rows.Select(r => r.Label));
        foreach (var (_, values) in table.Rows)
        {
            Assert.All(values, v => Assert.True(double.IsFinite(v!.Value)));
            Assert.Equal(values[0]!.Value - values[1]!.Value, values[2]!.Value, 9);
        }
        Assert.Equal(["pool5 (iter 1 + FT)", "pool5 (iter 2 + FT)", "fc7 (iter 1 + FT)", "fc7 (iter 2 + FT)"],
            Table(report, "short-pretraining-detection-per-class").Rows.Select(r => r.Label));
        Assert.Equal(["mAP"], Table(report, "paper-table5-per-class").Columns);
        foreach (var folder in new[] { "ft-from-iter-1", "ft-from-iter-2" })
            Assert.True(File.Exists(Path.Combine(report, folder, "detection.md")), folder);

        // the recipe was R-CNN's windows of the trainval split with its proposals store, recorded with the networks
        var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(report, "manifest.json"))).RootElement;
        Assert.Equal(scenes.TrainValStore, manifest.GetProperty("settings").GetProperty("windows").GetProperty("proposals").GetString());
        foreach (var name in new[] { "early", "final", "ft-from-iter-1.onnx", "ft-from-iter-2.onnx" })
            Assert.Contains(" sha256:", manifest.GetProperty("inputs").GetProperty(name).GetString());
    }

    [Fact]
    public void Detection_studies_refuse_a_missing_layer_mixed_item_kinds_a_class_subset_and_a_c_grid_in_one_line()
    {
        using var tmp = new TempDir();
        string images = $"voc2007:{scenes.Devkit}:test";
        string[] networks = ["--pretrained", scenes.Pretrained, "--fc-only", scenes.FcOnly, "--full", scenes.Full];
        string[] regions = ["--trainval", scenes.TrainVal, "--test", scenes.Test];
        string[] shortRun = ["short-pretraining", "--early", scenes.FullEarly, "--final", scenes.Full, "--iterations", "1"];
        var cases = new (string[] Args, string Expected)[]
        {
            ([.. networks, .. regions, "--layers", "pool5,res5c"], $"layerprobe: {scenes.Pretrained}: unknown layer 'res5c'"),
            ([.. networks, "--trainval", scenes.TrainVal, "--test", images, "--layers", "pool5"],
                $"layerprobe: --test: '{images}' are not region items, but the trainval items are (detection); give both as voc2007:DEVKIT:SPLIT:proposals:STORE, or neither"),
            ([.. networks, "--trainval", images, "--test", scenes.Test, "--layers", "pool5"],
                $"layerprobe: --trainval: '{images}' are not region items, but the test items are (detection); give both as voc2007:DEVKIT:SPLIT:proposals:STORE, or neither"),
            ([.. networks, .. regions, "--classes", "1-3"], "layerprobe: --classes: detection takes every class of the devkit; leave the class subset out with region items"),
            ([.. networks, .. regions, "--c", "0.001,0.01"], "layerprobe: --c: detection takes one C (R-CNN: 0.001), not a grid"),
        };
        int k = 0;
        var all = cases.Select(c => (Args: (string[])["finetune-effect", .. c.Args], c.Expected)).ToList();
        all.Add(([.. shortRun, "--trainval", scenes.TrainVal, "--test", images], cases[1].Expected));
        all.Add(([.. shortRun, "--trainval", "fashion-mnist:train:2:1", "--test", "fashion-mnist:test:2:1"],
            "layerprobe: --data: fine-tuning data are required unless --trainval and --test are region items (then R-CNN's windows of the trainval split)"));
        foreach (var (args, expected) in all)
        {
            string output = tmp.Combine($"out{k++}");
            var (code, stdout, error) = Run([.. args, "--out", output]);
            Assert.True(code == 2, $"{string.Join(' ', args)}: {code}\n{stdout}\n{error}");
            Assert.StartsWith(expected, Assert.Single(error.Trim().Split('\n')));
            Assert.False(Directory.Exists(output) && Directory.EnumerateFileSystemEntries(output).Any(), output);
        }
    }

    static float[] Floats(OnnxNetwork network, string initializer) => OnnxTensors.ReadFloats(network.Model.Graph.Initializer.Single(i => i.Name == initializer));
}
