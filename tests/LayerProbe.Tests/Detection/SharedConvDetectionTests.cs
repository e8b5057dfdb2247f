using System.Globalization;
using System.Text.Json;
using LayerProbe.Features;
using LayerProbe.Networks;
using LayerProbe.Proposals;
using LayerProbe.Scenes;
using LayerProbe.Tests.Cli;
using LayerProbe.Tests.Data;
using LayerProbe.Tests.Regions;

namespace LayerProbe.Tests.Detection;

/// <summary>
/// Detection with shared-conv region features through <c>probe --regions shared-conv</c> on a tiny Fashion-MNIST-scenes
/// devkit: the AP table, devkit files and a manifest recording the mode; warp and shared-conv runs of one network into
/// one store folder keep their own stores and detectors (different keys), a rerun extracts nothing; bad option
/// combinations of <c>probe</c> and <c>extract</c> (the one parser both use) are one line, exit 2.
/// </summary>
public sealed class SharedConvDetectionTests : IDisposable
{
    static readonly TimeSpan Timeout = TimeSpan.FromMinutes(10);
    readonly TempDir _tmp = new();
    readonly string _model, _trainval, _test, _root;

    public SharedConvDetectionTests()
    {
        FashionScenes.Generate(new SceneSettings { Images = 6, Seed = 11 }, _tmp.Combine("scenes"), TextWriter.Null);
        _root = _tmp.Combine("scenes", "VOC2007");
        _trainval = Spec("trainval");
        _test = Spec("test");
        _model = MiniCaffeNet.Write(_tmp);
    }

    public void Dispose() => _tmp.Dispose();

    /// <summary>The region spec of a split with 20 seeded random proposals per image.</summary>
    string Spec(string split)
    {
        var random = new Random(split.Length);
        var ids = File.ReadAllLines(Path.Combine(_root, "ImageSets", "Main", split + ".txt"));
        string csv = _tmp.Combine($"{split}.csv");
        File.WriteAllLines(csv, ids.SelectMany(id => Enumerable.Range(0, 20).Select(_ =>
        {
            int x1 = random.Next(1, 280), y1 = random.Next(1, 200);
            return string.Create(CultureInfo.InvariantCulture, $"{id},{x1},{y1},{Math.Min(320, x1 + random.Next(20, 160))},{Math.Min(240, y1 + random.Next(20, 160))}");
        })));
        string store = ProposalImport.Import(ImageFileSet.FromSpec($"voc2007:{_root}:{split}"), csv, _tmp.Combine("proposals-" + split)).Directory;
        return $"voc2007:{_root}:{split}:proposals:{store}";
    }

    string[] Probe(string output, params string[] more) =>
        ["probe", "--model", _model, "--trainval", _trainval, "--test", _test, "--layers", "pool5,fc7", "--out", _tmp.Combine(output), "--store", _tmp.Combine("stores"), .. more];

    static readonly string[] SharedConv = ["--regions", "shared-conv", "--roi-layer", "relu5", "--roi-scale", "200", "--roi-batch", "9"];

    static JsonElement Settings(string output) => JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "manifest.json"))).RootElement.GetProperty("settings");

    static string[] Detectors(JsonElement settings) => [.. settings.GetProperty("per_layer").EnumerateArray().Select(l => l.GetProperty("detectorFile").GetString()!)];

    /// <summary>Every feature file under the store folder with its last write time.</summary>
    Dictionary<string, DateTime> FeatureFiles() => Directory.GetFiles(_tmp.Combine("stores"), FeatureStoreFiles.Matrix, SearchOption.AllDirectories)
        .ToDictionary(f => f, File.GetLastWriteTimeUtc);

    [Fact]
    public void Probe_with_shared_conv_regions_detects_records_the_mode_and_keeps_warp_stores_apart_and_a_rerun_extracts_nothing()
    {
        using (var shared = ChildCli.Run(Timeout, Probe("shared", SharedConv)))
        {
            Assert.True(shared.ExitCode == 0, shared.ToString());
            Assert.Contains("| fc7 |", shared.Output);
            Assert.Contains("regions: shared-conv at relu5, shorter side 200", shared.Errors);
        }
        string sharedOut = _tmp.Combine("shared");
        var table = JsonDocument.Parse(File.ReadAllText(Path.Combine(sharedOut, "detection.json"))).RootElement;
        Assert.Equal(["pool5", "fc7"], table.GetProperty("rows").EnumerateArray().Select(r => r.GetProperty("label").GetString()));
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(sharedOut, "detections", "fc7", "results", "VOC2007", "Main"), "comp4_det_test_*.txt"));
        var network = OnnxNetwork.Load(_model);
        var regions = Settings(sharedOut).GetProperty("regions");
        Assert.Equal("shared-conv", regions.GetProperty("mode").GetString());
        Assert.Equal(network.ResolveLayer("relu5"), regions.GetProperty("layer").GetString());
        Assert.Equal(network.ResolveLayer("pool5"), regions.GetProperty("pooled").GetString());
        Assert.Equal(200, regions.GetProperty("shorterSide").GetInt32());
        Assert.Equal(8, regions.GetProperty("stride").GetInt32());
        Assert.Equal([3, 3], regions.GetProperty("grid").EnumerateArray().Select(g => g.GetInt32()));
        Assert.Equal("ort", regions.GetProperty("pool").GetString());
        Assert.Equal(9, regions.GetProperty("regionBatch").GetInt32());
        var sharedFiles = FeatureFiles();
        Assert.Equal(4, sharedFiles.Count); // pool5 and fc7 of trainval and test

        // warp mode of the same network into the same store folder: its own stores and detectors, none of shared-conv's touched
        using (var warp = ChildCli.Run(Timeout, Probe("warp")))
            Assert.True(warp.ExitCode == 0, warp.ToString());
        string warpOut = _tmp.Combine("warp");
        Assert.Equal("warp", Settings(warpOut).GetProperty("regions").GetProperty("mode").GetString());
        var all = FeatureFiles();
        Assert.Equal(8, all.Count);
        foreach (var (file, written) in sharedFiles) Assert.Equal(written, all[file]);
        Assert.Empty(Detectors(Settings(warpOut)).Intersect(Detectors(Settings(sharedOut))));
        Assert.Equal(4, Directory.GetDirectories(_tmp.Combine("stores"), "pool5-*").Length); // warp and shared-conv, trainval and test
        Assert.Equal(4, Directory.GetDirectories(_tmp.Combine("stores"), "fc7-*").Length);

        // a rerun extracts nothing, trains nothing and detects the same
        string person = File.ReadAllText(Directory.GetFiles(Path.Combine(sharedOut, "detections", "fc7", "results", "VOC2007", "Main"), "comp4_det_test_*.txt").Order().First());
        using (var again = ChildCli.Run(Timeout, Probe("shared", SharedConv)))
        {
            Assert.True(again.ExitCode == 0, again.ToString());
            Assert.DoesNotContain(" regions in ", again.Errors);
            Assert.Contains("detectors from ", again.Errors);
        }
        Assert.Equal(all, FeatureFiles());
        Assert.Equal(person, File.ReadAllText(Directory.GetFiles(Path.Combine(sharedOut, "detections", "fc7", "results", "VOC2007", "Main"), "comp4_det_test_*.txt").Order().First()));
    }

    [Theory]
    [InlineData("layerprobe: --roi-layer: applies to --regions shared-conv only (the default is warp)", "--roi-layer", "relu5")]
    [InlineData("layerprobe: --roi-scale: applies to --regions shared-conv only (the default is warp)", "--regions", "warp", "--roi-scale", "300")]
    [InlineData("layerprobe: --roi-layer: shared-conv needs the conv layer computed once per image (e.g. relu5)", "--regions", "shared-conv")]
    [InlineData("layerprobe: --roi-batch: regions per batch must be at least 1, got 0", "--regions", "shared-conv", "--roi-layer", "relu5", "--roi-batch", "0")]
    [InlineData("--regions: 'tiles' is not one of warp, shared-conv", "--regions", "tiles")]
    [InlineData("--roi-pool: 'gpu' is not one of ort, managed", "--regions", "shared-conv", "--roi-layer", "relu5", "--roi-pool", "gpu")]
    [InlineData("layerprobe: --roi-target-side: applies to several --roi-scale values (multi-scale) only", "--regions", "shared-conv", "--roi-layer", "relu5", "--roi-target-side", "64")]
    [InlineData("layerprobe: --roi-scale: 'big' is not a number of pixels", "--regions", "shared-conv", "--roi-layer", "relu5", "--roi-scale", "240,big")]
    [InlineData("layerprobe: --roi-scale: 8: below ", "--regions", "shared-conv", "--roi-layer", "relu5", "--roi-scale", "8")]
    public void Bad_region_mode_combinations_are_one_line_and_exit_2_in_probe_and_extract(string expected, params string[] options)
    {
        foreach (var command in new[] { "probe", "extract" })
        {
            string output = _tmp.Combine($"bad-{command}");
            string[] args = command == "probe" ? Probe($"bad-{command}", options)
                : ["extract", "--model", _model, "--layers", "pool5", "--data", _test, "--out", output, .. options];
            using var run = ChildCli.Run(Timeout, args);
            Assert.True(run.ExitCode == 2, run.ToString());
            var line = Assert.Single(CliProcess.ErrorLines(run.Errors), l => l.StartsWith("layerprobe: ", StringComparison.Ordinal));
            Assert.Contains(expected, line);
            Assert.False(Directory.Exists(_tmp.Combine("stores")) && Directory.GetDirectories(_tmp.Combine("stores"), "pool5-*").Length > 0, "a store was started");
            Assert.False(Directory.Exists(Path.Combine(output, "features")));
        }
    }

    [Fact]
    public void Shared_conv_on_items_that_are_not_regions_is_one_line_in_probe_and_extract()
    {
        string folder = Directory.CreateDirectory(_tmp.Combine("images", "scene")).FullName; // images:DIR reads class sub-folders
        foreach (var jpeg in Directory.GetFiles(Path.Combine(_root, "JPEGImages"))) File.Copy(jpeg, Path.Combine(folder, Path.GetFileName(jpeg)));
        string images = $"images:{_tmp.Combine("images")}";
        string[][] commands =
        [
            ["probe", "--model", _model, "--trainval", images, "--test", images, "--layers", "pool5", "--out", _tmp.Combine("p"), .. SharedConv],
            ["extract", "--model", _model, "--layers", "pool5", "--data", images, "--out", _tmp.Combine("e"), .. SharedConv],
        ];
        foreach (var args in commands)
        {
            using var run = ChildCli.Run(Timeout, args);
            Assert.True(run.ExitCode == 2, run.ToString());
            var line = Assert.Single(CliProcess.ErrorLines(run.Errors));
            Assert.StartsWith("layerprobe: --regions: shared-conv needs region items (voc2007:DEVKIT:SPLIT:proposals:STORE), not ", line);
            Assert.False(Directory.Exists(Path.Combine(args[Array.IndexOf(args, "--out") + 1], "features")));
        }
    }
}
