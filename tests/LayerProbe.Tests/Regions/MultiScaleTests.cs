using System.Globalization;
using LayerProbe.Data;
using LayerProbe.Features;
using LayerProbe.Networks;
using LayerProbe.Proposals;
using LayerProbe.Regions;
using LayerProbe.Scenes;
using LayerProbe.Tests.Cli;
using LayerProbe.Tests.Data;

namespace LayerProbe.Tests.Regions;

/// <summary>
/// SPP-net's multi-scale shared-conv mode: the level rule on hand-worked boxes, and a multi-scale store whose every row
/// equals the row of the single-scale store at the scale Fast R-CNN's <c>_project_im_rois</c> (transcribed here) picks
/// for that region; its own store key; the scales and target in the manifest.
/// </summary>
public sealed class MultiScaleTests : IDisposable
{
    readonly TempDir _tmp = new();

    public void Dispose() => _tmp.Dispose();

    [Theory]
    [InlineData(1, 1, 100, 100, 224, 2)]   // area 10⁴ → 2.5·10³, 10⁴, 4·10⁴ against 50176: the ×2 level
    [InlineData(1, 1, 300, 300, 224, 0)]   // 9·10⁴ → 22500 is 27676 away, 9·10⁴ is 39824 away: the ×½ level
    [InlineData(1, 1, 224, 224, 224, 1)]   // exactly the target at ×1
    [InlineData(11, 21, 14, 25, 10, 0)]    // 4×5 = 20 px²; scales 1, 3 against 10²: |20 − 100| = |180 − 100|, a tie: the first
    public void The_level_is_the_scale_whose_area_is_closest_to_the_target(int x1, int y1, int x2, int y2, int target, int expected)
    {
        double[] factors = target == 10 ? [1, 3] : [0.5, 1, 2];
        Assert.Equal(expected, PyramidLevel.Of(new PixelBox(x1, y1, x2, y2), factors, target));
    }

    [Fact]
    public void Every_multi_scale_row_is_the_single_scale_row_at_the_level_fast_rcnn_picks()
    {
        FashionScenes.Generate(new SceneSettings { Images = 4, Seed = 5 }, _tmp.Combine("scenes"), TextWriter.Null);
        string root = _tmp.Combine("scenes", "VOC2007");
        var random = new Random(8);
        var ids = File.ReadAllLines(Path.Combine(root, "ImageSets", "Main", "test.txt"));
        File.WriteAllLines(_tmp.Combine("boxes.csv"), ids.SelectMany(id => Enumerable.Range(0, 40).Select(_ =>
        {
            int x1 = random.Next(1, 280), y1 = random.Next(1, 200), side = random.Next(12, 160);
            return string.Create(CultureInfo.InvariantCulture, $"{id},{x1},{y1},{Math.Min(320, x1 + side)},{Math.Min(240, y1 + side * 3 / 4)}");
        })));
        string store = ProposalImport.Import(ImageFileSet.FromSpec($"voc2007:{root}:test"), _tmp.Combine("boxes.csv"), _tmp.Combine("proposals")).Directory;
        string model = MiniCaffeNet.Write(_tmp);
        string[] Extract(string output, params string[] more) =>
            ["extract", "--model", model, "--layers", "pool5,fc7", "--data", $"voc2007:{root}:test:proposals:{store}", "--out", _tmp.Combine(output),
             "--regions", "shared-conv", "--roi-layer", "relu5", "--roi-batch", "13", .. more];
        foreach (var args in new[] { Extract("s120", "--roi-scale", "120"), Extract("s240", "--roi-scale", "240"), Extract("multi", "--roi-scale", "240,120", "--roi-target-side", "40") })
        {
            var (code, _, err) = CliProcess.Run(args);
            Assert.True(code == 0, err);
        }

        string Store(string output, string layer) => Assert.Single(Directory.GetDirectories(_tmp.Combine(output), layer + "-*"));
        var manifest = FeatureManifest.Read(Path.Combine(Store("multi", "pool5"), FeatureStoreFiles.Manifest)).Regions!;
        Assert.Equal([120, 240], manifest.Scales);
        Assert.Equal(40, manifest.TargetSide);
        Assert.Null(FeatureManifest.Read(Path.Combine(Store("s120", "pool5"), FeatureStoreFiles.Manifest)).Regions!.Scales);
        Assert.Equal(3, new[] { "s120", "s240", "multi" }.Select(o => Path.GetFileName(Store(o, "pool5"))).Distinct().Count());

        // Fast R-CNN's _project_im_rois: areas = w·h (inclusive pixels), scaled by each level's factor², argmin |· − 40²|
        var network = OnnxNetwork.Load(model);
        var convention = Preprocessing.For(network);
        int minimum = SharedConvNetwork.For(network, "relu5").MinimumSide;
        var levels = new[] { 120, 240 }.Select(s => new ScaledImagePreprocessor(convention, s, 1000, minimum)).ToArray();
        using var regions = new VocRegions(new VocDevkit(root), "test", store);
        var used = new HashSet<int>();
        foreach (var layer in new[] { "pool5", "fc7" })
        {
            using var multi = FeatureMatrix.Open(Store("multi", layer));
            using var small = FeatureMatrix.Open(Store("s120", layer));
            using var large = FeatureMatrix.Open(Store("s240", layer));
            for (int image = 0; image < regions.Images; image++)
            {
                var pixels = regions.Decode(image);
                var factors = levels.Select(l => l.ScaleOf(pixels.Width, pixels.Height)).ToArray();
                var annotation = regions.Annotation(image);
                for (int item = regions.FirstItem(image); item < regions.FirstItem(image + 1); item++)
                {
                    var box = RegionRows.Box(annotation, regions.Proposals(image), item - regions.FirstItem(image));
                    double area = (box.X2 - box.X1 + 1) * (box.Y2 - box.Y1 + 1);
                    var diffs = factors.Select(f => Math.Abs(area * f * f - 40 * 40)).ToArray();
                    int level = Array.IndexOf(diffs, diffs.Min());
                    used.Add(level);
                    var expected = (level == 0 ? small : large).Row(item).ToArray();
                    var actual = multi.Row(item).ToArray();
                    if (layer == "pool5") Assert.True(expected.SequenceEqual(actual), $"pool5 row {item} (level {level})"); // pooling: the same maxima
                    else // the head ran on batches of other sizes
                        for (int c = 0; c < actual.Length; c++) Assert.True(Math.Abs(expected[c] - actual[c]) <= 1e-5f * (1 + Math.Abs(expected[c])), $"fc7 row {item} col {c}");
                }
            }
        }
        Assert.Equal(2, used.Count); // both levels pooled from
    }
}
