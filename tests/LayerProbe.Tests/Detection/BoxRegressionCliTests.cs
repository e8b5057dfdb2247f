using System.Text.Json;
using LayerProbe.Data;
using LayerProbe.Detection;
using LayerProbe.Probes;
using LayerProbe.Regions;
using LayerProbe.Tests.Cli;
using LayerProbe.Tests.Data;
using LayerProbe.Tests.Regions;

namespace LayerProbe.Tests.Detection;

/// <summary><c>probe --box-regression</c> and <c>detect --box-regressors</c> through the command line.</summary>
public class BoxRegressionCliTests
{
    static readonly TimeSpan Timeout = TimeSpan.FromMinutes(8);

    static string OneLine(ChildCli child) => DetectionCliTests.OneLine(child);

    static int Count(string text, string part) => (text.Length - text.Replace(part, "").Length) / part.Length;

    [Fact]
    public void Probe_with_box_regression_reports_map_and_map_bb_writes_both_comp4_folders_and_a_rerun_retrains_nothing()
    {
        using var tmp = new TempDir();
        string root = RegionDevkit.Write(tmp);
        string proposals = RegionDevkit.Store(tmp, root, "test", SyntheticRegionStore.NearGroundTruth(25, 4, 12, seed: 4));
        string model = MiniCaffeNet.Write(tmp), spec = $"voc2007:{root}:test:proposals:{proposals}", outDir = tmp.Combine("out");
        string[] args = ["probe", "--model", model, "--trainval", spec, "--test", spec, "--layers", "pool5,fc7", "--box-regression", "--out", outDir];

        using (var run = ChildCli.Run(Timeout, args))
        {
            Assert.True(run.ExitCode == 0, run.ToString());
            Assert.Contains("| fc7 + BB |", run.Output);
            Assert.Contains("mAP + BB", run.Output);
            // one set of regressors, on pool5 (the extracted layer), trained once and read for fc7
            Assert.Equal(1, Count(run.Errors, "box regressors (pool5) trained in "));
            Assert.Equal(1, Count(run.Errors, "box regressors (pool5) from "));
        }
        string regressorFile = Assert.Single(Directory.GetFiles(Path.Combine(outDir, "features", "detectors"), "box-regressors-*.lpbox"));
        var regressors = BoxRegressors.Load(regressorFile);
        Assert.Equal("pool5", regressors.Layer);
        Assert.Equal(VocClasses.Names, regressors.Classes);
        Assert.Equal(BoxRegressionSettings.Rcnn, regressors.Settings);

        // per-layer table: mAP beside mAP + BB; per-class table: a "+ BB" row under each layer
        var map = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "detection-map.json"))).RootElement;
        Assert.Equal(["dimensions", "mAP", "mAP + BB", "difference"], map.GetProperty("columns").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal(["pool5", "fc7"], map.GetProperty("rows").EnumerateArray().Select(r => r.GetProperty("label").GetString()));
        var table = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "detection.json"))).RootElement;
        var rows = table.GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal(["pool5", "pool5 + BB", "fc7", "fc7 + BB"], rows.Select(r => r.GetProperty("label").GetString()));
        var columns = table.GetProperty("columns").EnumerateArray().Select(c => c.GetString()!).ToList();
        foreach (var (row, mapRow) in new[] { (1, 0), (3, 1) })
            Assert.Equal(rows[row].GetProperty("values")[columns.IndexOf("mAP")].GetDouble(), map.GetProperty("rows")[mapRow].GetProperty("values")[2].GetDouble(), 9);

        // the regressed devkit files of each layer give the "+ BB" row's AP under an independent transcription of VOCevaldet
        var comp4 = new Dictionary<string, string>();
        foreach (var (layer, row) in new[] { ("pool5", rows[1]), ("fc7", rows[3]) })
            foreach (var cls in new[] { "person", "dog", "car" })
            {
                string file = Path.Combine(outDir, "detections", layer + "+bbox-reg", "results", "VOC2007", "Main", $"comp4_det_test_{cls}.txt");
                Assert.True(File.Exists(file), file);
                Assert.Equal(row.GetProperty("values")[columns.IndexOf(cls)].GetDouble(), 100 * DevkitEvaluator.Ap(root, "test", cls, file), 9);
                comp4[file] = File.ReadAllText(file);
                Assert.True(File.Exists(Path.Combine(outDir, "detections", layer, "results", "VOC2007", "Main", $"comp4_det_test_{cls}.txt")));
            }
        // regressed boxes are moved (not integer corners any more) and inside the image
        var moved = File.ReadAllLines(Path.Combine(outDir, "detections", "fc7+bbox-reg", "results", "VOC2007", "Main", "comp4_det_test_person.txt"))
            .Select(l => l.Split(' ')[2..].Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray()).ToList();
        Assert.Contains(moved, b => b.Any(v => v != Math.Round(v)));
        Assert.All(moved, b => Assert.True(b[0] >= 1 && b[1] >= 1 && b[2] <= 500 && b[3] <= 375, string.Join(" ", b)));

        var settings = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "manifest.json"))).RootElement.GetProperty("settings");
        Assert.Equal(1000, settings.GetProperty("box_regression").GetProperty("lambda").GetDouble());
        Assert.Equal("pool5", settings.GetProperty("box_regression_feature").GetString());
        var fc7 = settings.GetProperty("per_layer")[1];
        Assert.Equal("pool5", fc7.GetProperty("boxRegression").GetProperty("feature").GetString());
        Assert.Equal(regressorFile, fc7.GetProperty("boxRegression").GetProperty("regressorFile").GetString());

        // a rerun trains nothing (detectors and regressors read from their files) and writes the same detections
        var written = File.GetLastWriteTimeUtc(regressorFile);
        using (var again = ChildCli.Run(Timeout, args))
        {
            Assert.True(again.ExitCode == 0, again.ToString());
            Assert.DoesNotContain("trained in", again.Errors);
            Assert.Equal(2, Count(again.Errors, "box regressors (pool5) from "));
            Assert.Equal(2, Count(again.Errors, "detectors from "));
        }
        Assert.Equal(written, File.GetLastWriteTimeUtc(regressorFile));
        foreach (var (file, text) in comp4) Assert.Equal(text, File.ReadAllText(file));

        // detect with the saved fc7 detectors and pool5 regressors reproduces the probe's regressed detections
        string fc7Detectors = fc7.GetProperty("detectorFile").GetString()!;
        string fc7Store = Directory.GetDirectories(Path.Combine(outDir, "features"), "fc7*").Single();
        string pool5Store = Directory.GetDirectories(Path.Combine(outDir, "features"), "pool5*").Single();
        using (var detect = ChildCli.Run(Timeout, "detect", "--detectors", fc7Detectors, "--test", spec, "--features", fc7Store,
                   "--box-regressors", regressorFile, "--regression-features", pool5Store, "--out", tmp.Combine("detect")))
        {
            Assert.True(detect.ExitCode == 0, detect.ToString());
            Assert.Contains("mAP + BB", detect.Output);
        }
        foreach (var cls in new[] { "person", "dog", "car" })
            Assert.Equal(comp4[Path.Combine(outDir, "detections", "fc7+bbox-reg", "results", "VOC2007", "Main", $"comp4_det_test_{cls}.txt")],
                File.ReadAllText(Path.Combine(tmp.Combine("detect"), "bbox-reg", "results", "VOC2007", "Main", $"comp4_det_test_{cls}.txt")));

        // the pool5 regressors on the fc7 store (no --regression-features): one line, nothing written
        Assert.Equal($"layerprobe: {regressorFile}: box regressors of layer 'pool5', but the store {fc7Store} holds 'fc7'",
            OneLine(ChildCli.Run(Timeout, "detect", "--detectors", fc7Detectors, "--test", spec, "--features", fc7Store, "--box-regressors", regressorFile, "--out", tmp.Combine("bad"))));
        Assert.False(Directory.Exists(tmp.Combine("bad", "results")));
    }

    [Fact]
    public void Box_regression_is_refused_on_items_that_are_not_regions()
    {
        using var tmp = new TempDir();
        string line = OneLine(ChildCli.Run(Timeout, "probe", "--model", Features.TinyNetwork.Write(tmp.Path), "--trainval", "fashion-mnist:train:per-class=2",
            "--test", "fashion-mnist:test:per-class=2", "--layers", "conv1", "--box-regression", "--out", tmp.Combine("out")));
        Assert.Equal("layerprobe: --box-regression: moves detections, so it needs region items (--trainval voc2007:DEVKIT:SPLIT:proposals:STORE)", line);
    }

    [Fact]
    public void Detect_refuses_box_regressors_of_another_dimension_or_class_list_and_a_damaged_file_in_one_line()
    {
        using var tmp = new TempDir();
        using var split = SyntheticTestSplit.Write(tmp);
        var (root, spec, store) = (split.Root, split.Spec, split.Store);
        var models = VocClasses.Names.Select((_, c) => c == 0 ? new LinearModel(new float[4], 0) : null).ToArray();
        string detectors = DetectorSetFile.Write(Directory.CreateDirectory(tmp.Combine("dets")).FullName, new string('a', 64),
            new DetectorSet(VocClasses.Names, models, new FeatureScaling(1, 1, 20, 1, 0), "fc7"), DetectorTrainingSettings.Rcnn);
        string Regressors(string name, IReadOnlyList<string> classes, int dims)
        {
            string path = tmp.Combine(name + ".lpbox");
            new BoxRegressors(classes, [.. classes.Select(_ => (BoxRegressor?)null)], dims, new FeatureScaling(1, 1, 20, 1, 0), BoxRegressionSettings.Rcnn, "fc7").Save(path);
            return path;
        }
        string Run(string regressors, string output) =>
            OneLine(ChildCli.Run(Timeout, "detect", "--detectors", detectors, "--test", spec, "--features", store, "--box-regressors", regressors, "--out", tmp.Combine(output)));

        string wide = Regressors("wide", VocClasses.Names, 5);
        Assert.Equal($"layerprobe: {wide}: box regressors of 5-dimensional features, but {store} has 4-dimensional rows", Run(wide, "o1"));
        string fashion = Regressors("fashion", ["tshirt", "trouser"], 4);
        Assert.StartsWith($"layerprobe: {fashion}: box regressors for the classes tshirt,trouser, but {root} has aeroplane,", Run(fashion, "o2"));
        string damaged = Regressors("damaged", VocClasses.Names, 4);
        File.WriteAllBytes(damaged, File.ReadAllBytes(damaged)[..^20]);
        Assert.Equal($"layerprobe: {damaged}: truncated", Run(damaged, "o3"));
        foreach (var o in new[] { "o1", "o2", "o3" }) Assert.False(Directory.Exists(tmp.Combine(o, "results")), o);

        // the same regressors of the right shape are applied: every class without a regressor keeps its boxes
        string ok = Regressors("ok", VocClasses.Names, 4);
        using var fine = ChildCli.Run(Timeout, "detect", "--detectors", detectors, "--test", spec, "--features", store, "--box-regressors", ok, "--out", tmp.Combine("o4"));
        Assert.True(fine.ExitCode == 0, fine.ToString());
        Assert.Equal(File.ReadAllText(tmp.Combine("o4", "results", "VOC2007", "Main", "comp4_det_test_aeroplane.txt")),
            File.ReadAllText(tmp.Combine("o4", "bbox-reg", "results", "VOC2007", "Main", "comp4_det_test_aeroplane.txt")));
    }
}
