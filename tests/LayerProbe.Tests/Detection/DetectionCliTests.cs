using System.Text.Json;
using LayerProbe.Data;
using LayerProbe.Detection;
using LayerProbe.Probes;
using LayerProbe.Regions;
using LayerProbe.Tests.Cli;
using LayerProbe.Tests.Data;
using LayerProbe.Tests.Regions;

namespace LayerProbe.Tests.Detection;

public class DetectionCliTests
{
    static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    /// <summary>The one "layerprobe: …" line of a run that must end with exit code 2.</summary>
    internal static string OneLine(ChildCli child)
    {
        Assert.True(child.ExitCode == 2, child.ToString());
        var lines = child.Errors.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return Assert.Single(lines, l => l.StartsWith("layerprobe: ", StringComparison.Ordinal));
    }

    [Fact]
    public void Probe_on_region_items_detects_per_layer_with_pool5_fc6_fc7_and_writes_devkit_files_pictures_and_manifest()
    {
        using var tmp = new TempDir();
        string root = RegionDevkit.Write(tmp);
        var boxes = SyntheticRegionStore.NearGroundTruth(25, 4, 12, seed: 4);
        string proposals = RegionDevkit.Store(tmp, root, "test", boxes);
        string model = MiniCaffeNet.Write(tmp), spec = $"voc2007:{root}:test:proposals:{proposals}", outDir = tmp.Combine("out");
        string[] args = ["probe", "--model", model, "--trainval", spec, "--test", spec, "--layers", "pool5,fc6,fc7", "--out", outDir];

        using (var run = ChildCli.Run(Timeout, args))
        {
            Assert.True(run.ExitCode == 0, run.ToString());
            Assert.Contains("| fc7 |", run.Output);
        }
        var table = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "detection.json"))).RootElement;
        Assert.Equal(["pool5", "fc6", "fc7"], table.GetProperty("rows").EnumerateArray().Select(r => r.GetProperty("label").GetString()));
        // the three stored layers: pool5 extracted, fc6/fc7 from the head subgraph
        var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "manifest.json"))).RootElement.GetProperty("settings");
        Assert.Equal("pool5", manifest.GetProperty("extracted_layer").GetString());
        Assert.Equal(0.3, manifest.GetProperty("detection").GetProperty("nmsOverlap").GetDouble());
        Assert.Equal(100, manifest.GetProperty("detection").GetProperty("maxPerImage").GetInt32());
        Assert.Equal(-1.2, manifest.GetProperty("detector_training").GetProperty("evictThreshold").GetDouble());

        // devkit files of every layer and class with a detector, each giving the table's AP under the devkit's rules
        var rows = table.GetProperty("rows").EnumerateArray().ToList();
        var columns = table.GetProperty("columns").EnumerateArray().Select(c => c.GetString()!).ToList();
        foreach (var (layer, row) in new[] { "pool5", "fc6", "fc7" }.Zip(rows))
            foreach (var cls in new[] { "person", "dog", "car" })
            {
                string file = Path.Combine(outDir, "detections", layer, "results", "VOC2007", "Main", $"comp4_det_test_{cls}.txt");
                Assert.True(File.Exists(file), file);
                double tableAp = row.GetProperty("values")[columns.IndexOf(cls)].GetDouble();
                Assert.Equal(tableAp, 100 * DevkitEvaluator.Ap(root, "test", cls, file), 9);
            }
        Assert.True(File.Exists(Path.Combine(outDir, "detections", "fc7", "results", "VOC2007", "Main", "comp4_det_test_cat.txt"))); // difficult-only: a detector, no positives
        Assert.False(File.Exists(Path.Combine(outDir, "detections", "fc7", "results", "VOC2007", "Main", "comp4_det_test_bus.txt"))); // no detector
        string html = File.ReadAllText(Path.Combine(outDir, "report.html"));
        Assert.Contains("data:image/jpeg;base64,", html);
        Assert.Contains("bus, ", File.ReadAllText(Path.Combine(outDir, "detection.md"))); // classes without a detector are named under the table
        Assert.Equal(3, Directory.GetFiles(Path.Combine(outDir, "detection-pictures"), "*.svg").Length);

        // a rerun reads the detectors from their files and detects the same
        string personFile = Path.Combine(outDir, "detections", "fc7", "results", "VOC2007", "Main", "comp4_det_test_person.txt");
        string first = File.ReadAllText(personFile);
        using var again = ChildCli.Run(Timeout, args);
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains("detectors from ", again.Errors);
        Assert.Equal(first, File.ReadAllText(personFile));

        // detect with the saved fc7 detectors on the fc7 store reproduces the same detections
        string fc7Detectors = manifest.GetProperty("per_layer")[2].GetProperty("detectorFile").GetString()!;
        string fc7Store = Directory.GetDirectories(Path.Combine(outDir, "features"), "fc7*").Single();
        using var detect = ChildCli.Run(Timeout, "detect", "--detectors", fc7Detectors, "--test", spec, "--features", fc7Store, "--out", tmp.Combine("detect"));
        Assert.True(detect.ExitCode == 0, detect.ToString());
        Assert.Equal(File.ReadAllText(Path.Combine(outDir, "detections", "fc7", "results", "VOC2007", "Main", "comp4_det_test_person.txt")),
            File.ReadAllText(Path.Combine(tmp.Combine("detect"), "results", "VOC2007", "Main", "comp4_det_test_person.txt")));

        // bad input through the CLI: detectors of another layer, a store of another layer's dimension, test images without proposals
        string pool5Store = Directory.GetDirectories(Path.Combine(outDir, "features"), "pool5*").Single();
        string line = OneLine(ChildCli.Run(Timeout, "detect", "--detectors", fc7Detectors, "--test", spec, "--features", pool5Store, "--out", tmp.Combine("bad1")));
        Assert.Equal($"layerprobe: {fc7Detectors}: detectors of layer 'fc7', but the store {pool5Store} holds 'pool5'", line);
        string noProposals = RegionDevkit.Store(tmp, root, "test", null, "none");
        line = OneLine(ChildCli.Run(Timeout, "probe", "--model", model, "--trainval", spec, "--test", $"voc2007:{root}:test:proposals:{noProposals}",
            "--layers", "pool5", "--out", tmp.Combine("bad2")));
        Assert.EndsWith("images.tsv: test image 2011_000025 has no proposals: nothing to detect in it", line);
        line = OneLine(ChildCli.Run(Timeout, "probe", "--model", model, "--trainval", spec, "--test", $"voc2007:{root}:test:gt-boxes",
            "--layers", "pool5", "--out", tmp.Combine("bad3")));
        Assert.StartsWith("layerprobe: --test: ", line);
    }

    [Fact]
    public void Detect_refuses_detectors_of_other_classes_or_dimensions_and_a_store_of_other_regions_in_one_line()
    {
        using var tmp = new TempDir();
        using var split = SyntheticTestSplit.Write(tmp);
        var (root, _, spec, regions, store) = split;
        string features = tmp.Combine("features");
        string Detectors(string name, IReadOnlyList<string> classes, int dims)
        {
            var models = classes.Select((_, c) => c == 0 ? new LinearModel(new float[dims], 0) : null).ToArray();
            string dir = Directory.CreateDirectory(tmp.Combine(name)).FullName;
            return DetectorSetFile.Write(dir, new string('a', 64), new DetectorSet(classes, models, new FeatureScaling(1, 1, 20, 1, 0), "fc7"), DetectorTrainingSettings.Rcnn);
        }

        string dims = Detectors("dims", VocClasses.Names, 5);
        Assert.Equal($"layerprobe: {dims}: the aeroplane detector has 5 weights, but {store} has 4-dimensional rows",
            OneLine(ChildCli.Run(Timeout, "detect", "--detectors", dims, "--test", spec, "--features", store, "--out", tmp.Combine("o1"))));
        string classes = Detectors("classes", ["tshirt", "trouser"], 4);
        Assert.StartsWith($"layerprobe: {classes}: detectors for the classes tshirt,trouser, but ",
            OneLine(ChildCli.Run(Timeout, "detect", "--detectors", classes, "--test", spec, "--features", store, "--out", tmp.Combine("o2"))));

        // a store of the regions of another proposal set
        string otherProposals = RegionDevkit.Store(tmp, root, "test", RegionDevkit.ManyBoxes(3, 6, seed: 9), "other");
        using var other = new VocRegions(new VocDevkit(root), "test", otherProposals);
        string otherStore = SyntheticRegionStore.Write(tmp.Combine("other-features"), other, "fc7", 4, _ => [1, 2, 3, 4]);
        string ok = Detectors("ok", VocClasses.Names, 4);
        Assert.StartsWith($"layerprobe: {otherStore}: holds features of other items",
            OneLine(ChildCli.Run(Timeout, "detect", "--detectors", ok, "--test", spec, "--features", otherStore, "--out", tmp.Combine("o3"))));
        Assert.False(Directory.Exists(tmp.Combine("o3", "results")));
    }
}

/// <summary>The test split of <see cref="RegionDevkit"/> with 5 proposals per image and a synthetic 4-dimensional fc7
/// store of its regions under <c>features/</c>: what the <c>detect</c> refusal tests start from.</summary>
sealed record SyntheticTestSplit(string Root, string Proposals, string Spec, VocRegions Regions, string Store) : IDisposable
{
    public static SyntheticTestSplit Write(TempDir tmp)
    {
        string root = RegionDevkit.Write(tmp);
        string proposals = RegionDevkit.Store(tmp, root, "test", RegionDevkit.ManyBoxes(3, 5));
        var regions = new VocRegions(new VocDevkit(root), "test", proposals);
        string store = SyntheticRegionStore.Write(tmp.Combine("features"), regions, "fc7", 4, _ => [1, 2, 3, 4]);
        return new(root, proposals, $"voc2007:{root}:test:proposals:{proposals}", regions, store);
    }

    public void Dispose() => Regions.Dispose();
}
