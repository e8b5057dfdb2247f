using System.Globalization;
using LayerProbe.Data;
using LayerProbe.Detection;
using LayerProbe.Probes;
using LayerProbe.Regions;
using LayerProbe.Tests.Data;
using LayerProbe.Tests.Regions;

namespace LayerProbe.Tests.Detection;

using Detection = LayerProbe.Probes.Detection;

public class DetectionTestTests
{
    static readonly FeatureScaling Unscaled = new(20, 1, 20, 1, 0);
    static int Class(string name) => VocClasses.IndexOf(name);

    // Proposals of the three labelme images (GT: person [101 101 200 200], dog, difficult cat | car [11 21 310 220] | person [201 101 300 300]).
    static readonly int[][][] HandBoxes =
    [
        [[101, 101, 200, 200], [101, 101, 200, 130], [101, 101, 200, 131], [1, 1, 50, 50]],
        [[11, 21, 310, 220], [1, 1, 500, 375]],
        [[201, 101, 300, 200], [401, 101, 450, 150], [1, 1, 100, 100]],
    ];
    // Per proposal (person score, car score); GT rows get 5 for person, which would win everything were GT rows scored.
    static readonly float[][][] HandScores =
    [
        [[0.9f, -1], [0.8f, -1], [0.85f, -1], [0.1f, -1]],
        [[0.2f, 0.6f], [0.3f, 0.4f]],
        [[0.7f, -0.5f], [0.7f, -0.5f], [0.05f, -0.5f]],
    ];

    static DetectorSet HandDetectors(string layer = "pool5", int dims = 2)
    {
        var models = new LinearModel?[VocClasses.Names.Count];
        models[Class("person")] = new LinearModel([1, 0, .. new float[dims - 2]], 0);
        models[Class("car")] = new LinearModel([0, 1, .. new float[dims - 2]], 0);
        models[Class("bird")] = new LinearModel(new float[dims], 0); // a detector, but no bird in the test split
        return new DetectorSet(VocClasses.Names, models, Unscaled, layer);
    }

    static (VocRegions Regions, string Store, string Features) HandCase(TempDir tmp, int[][][]? boxes = null)
    {
        string root = RegionDevkit.Write(tmp);
        var regions = new VocRegions(new VocDevkit(root), "test", RegionDevkit.Store(tmp, root, "test", boxes ?? HandBoxes));
        string features = tmp.Combine("features");
        string store = SyntheticRegionStore.Write(features, regions, "pool5", 2, i =>
        {
            var (image, row) = regions.Locate(i);
            int gt = regions.Annotation(image).Objects.Count;
            return row < gt ? [5, 5] : HandScores[image][row - gt];
        });
        return (regions, store, features);
    }

    [Fact]
    public void Pruning_nms_and_ap_follow_rcnn_and_the_devkit_on_a_hand_worked_split()
    {
        using var tmp = new TempDir();
        var (regions, store, features) = HandCase(tmp);
        using var _ = regions;
        var settings = new DetectionSettings(MaxPerImage: 3, BoxesPerImageOverall: 2); // max_per_set = 2 × 3 images = 6
        string comp4 = tmp.Combine("out", "results", "VOC2007", "Main");
        var result = DetectionTest.Run(HandDetectors(), regions, store, features, settings, "hand", comp4);

        // person, by hand: image 1 contributes .9 .85 .8 (.1 is the 4th: cut by max-per-image 3); image 2 .3 .2; image 3
        // .7 .7 .05 → 8 scores > 6: the 6 best kept, threshold .3, so .2 and .05 go. NMS in image 1: .85's box overlaps
        // .9's by 3100/10000 > 0.3 (dropped), .8's by exactly 3000/10000 = 0.3 with the +1 convention (kept).
        var person = result.Classes[Class("person")];
        Assert.Equal(0.3f, person.Threshold);
        string[] expected =
        [
            FormattableString.Invariant($"2011_000003 {(double)0.9f:R} 101 101 200 200"), FormattableString.Invariant($"2011_000003 {(double)0.8f:R} 101 101 200 130"),
            FormattableString.Invariant($"2011_000006 {(double)0.3f:R} 1 1 500 375"),
            FormattableString.Invariant($"2011_000025 {(double)0.7f:R} 201 101 300 200"), FormattableString.Invariant($"2011_000025 {(double)0.7f:R} 401 101 450 150"),
        ];
        Assert.Equal(expected, File.ReadAllLines(Path.Combine(comp4, "comp4_det_test_person.txt")));
        // Ranked: .9 TP, .8 FP (IoU 0.3 with the person), .7 TP (IoU exactly 0.5: 100×100 of the 100×200 box, +1
        // convention), .7 FP (the tie stays in file order), .3 FP (no person in image 2). npos 2.
        // Recall .5 .5 1 1 1, precision 1 .5 2/3 .5 .4 → 11-point AP = (6·1 + 5·2/3)/11 = 28/33.
        Assert.Equal(28.0 / 33, person.Ap.ElevenPoint, 12);
        Assert.Equal((2, 2, 3), (person.Ap.Positives, person.Ap.TruePositives, person.Ap.FalsePositives));

        // car: its GT box ranks first (.6); the .4 box overlaps it by 60000/187500 = 0.32 and is suppressed; the rest are FPs.
        var car = result.Classes[Class("car")];
        Assert.Equal(1.0, car.Ap.ElevenPoint, 12);
        Assert.Equal(-1f, car.Threshold);
        Assert.DoesNotContain(car.Detections, d => d.Score == (double)0.4f);

        // no silent zeros: bird has a detector but no test positive; 17 classes have no detector; the mean is over 2.
        Assert.False(result.Classes[Class("bird")].Ap.IsValid);
        Assert.False(result.Classes[Class("dog")].HasDetector);
        Assert.Equal(2, result.Mean.ValidClasses);
        Assert.Equal((28.0 / 33 + 1) / 2, result.Mean.ElevenPoint, 12);
        Assert.Contains("dog", result.Note);
        Assert.Contains("bird (no positives in the test split)", result.Note);
        Assert.False(File.Exists(Path.Combine(comp4, "comp4_det_test_dog.txt")));
        Assert.Equal(9, result.ProposalsScored); // the 5 GT rows are not scored

        foreach (var c in new[] { "person", "car" })
            Assert.Equal(result.Classes[Class(c)].Ap.ElevenPoint,
                DevkitEvaluator.Ap(regions.Devkit.Root, "test", c, Path.Combine(comp4, $"comp4_det_test_{c}.txt")), 12);
    }

    [Fact]
    public void Comp4_files_give_the_same_ap_under_an_independent_transcription_of_the_devkit()
    {
        using var tmp = new TempDir();
        string root = RegionDevkit.Write(tmp);
        var random = new Random(5);
        var boxes = SyntheticRegionStore.NearGroundTruth(150, 12, 25, seed: 2);
        using var regions = new VocRegions(new VocDevkit(root), "test", RegionDevkit.Store(tmp, root, "test", boxes));
        const int dims = 6;
        string features = tmp.Combine("features");
        // scores rounded to 1/64 so that ties are frequent
        string store = SyntheticRegionStore.Write(features, regions, "fc7", dims, _ => Enumerable.Range(0, dims).Select(_ => MathF.Round(random.NextSingle() * 64) / 64).ToArray());
        var models = new LinearModel?[VocClasses.Names.Count];
        foreach (var c in new[] { "person", "dog", "cat", "car" })
            models[Class(c)] = new LinearModel(Enumerable.Range(0, dims).Select(_ => (float)random.Next(-2, 3)).ToArray(), random.Next(-2, 2));
        var detectors = new DetectorSet(VocClasses.Names, models, new FeatureScaling(1, 2, 2, 1, 0), "fc7");
        string comp4 = tmp.Combine("results");
        var result = DetectionTest.Run(detectors, regions, store, features, new DetectionSettings(MaxPerImage: 40, BoxesPerImageOverall: 20), "random", comp4);

        foreach (var c in new[] { "person", "dog", "cat", "car" })
        {
            var ours = result.Classes[Class(c)];
            Assert.True(ours.Detections.Count > 10, $"{c}: {ours.Detections.Count} detections");
            double devkit = DevkitEvaluator.Ap(root, "test", c, Path.Combine(comp4, $"comp4_det_test_{c}.txt"));
            if (!ours.Ap.IsValid)
            {   // the cat's only object is difficult: npos 0, where the devkit gives 0 and LayerProbe names the class instead
                Assert.Equal(0, devkit);
                Assert.Contains($"{c} (no positives in the test split)", result.Note);
            }
            else if (double.IsNaN(devkit)) Assert.True(ours.Ap.IsUndefined, c);
            else Assert.Equal(devkit, ours.Ap.ElevenPoint, 12);
        }
        Assert.Contains(result.Classes, c => c.HasDetector && c.Ap.TruePositives > 0);
    }

    [Fact]
    public void Pruning_equals_a_transcription_of_rcnn_test()
    {
        var random = new Random(11);
        for (int trial = 0; trial < 30; trial++)
        {
            int images = random.Next(1, 12);
            var settings = new DetectionSettings(MaxPerImage: random.Next(1, 8), BoxesPerImageOverall: random.Next(1, 5));
            var scores = Enumerable.Range(0, images).Select(_ => Enumerable.Range(0, random.Next(0, 15)).Select(_ => Math.Round(random.NextDouble() * 10) / 10).ToArray()).ToArray();
            var pruning = new RcnnPruning(settings, images);
            for (int i = 0; i < images; i++)
            {
                var regions = Enumerable.Range(0, scores[i].Length).Select(r => 1000 * i + r).ToArray();
                pruning.AddImage(i, regions, new PixelBox[scores[i].Length], scores[i]);
            }
            var ours = pruning.Finish().Select(c => (c.Image, c.Region % 1000)).ToList();
            Assert.Equal(RcnnTest(scores, settings.MaxPerImage, settings.MaxPerClass(images)), ours);
        }
    }

    /// <summary>rcnn_test.m's loop for one class, transcribed: I = find(z > thresh); sort descending; keep max_per_image;
    /// top_scores grows, is sorted and cut to max_per_set, whose last element becomes thresh; at the end boxes with
    /// score &lt; thresh are removed.</summary>
    static List<(int Image, int Row)> RcnnTest(double[][] z, int maxPerImage, int maxPerSet)
    {
        double thresh = double.NegativeInfinity;
        var topScores = new List<double>();
        var aboxes = new List<(int Image, int Row, double Score)>[z.Length];
        for (int i = 0; i < z.Length; i++)
        {
            var I = Enumerable.Range(0, z[i].Length).Where(r => z[i][r] > thresh).ToList();
            var ord = I.OrderByDescending(r => z[i][r]).Take(maxPerImage).ToList(); // MATLAB's sort 'descend' is stable
            aboxes[i] = ord.Select(r => (i, r, z[i][r])).ToList();
            topScores.AddRange(ord.Select(r => z[i][r]));
            topScores = topScores.OrderByDescending(s => s).ToList();
            if (topScores.Count > maxPerSet)
            {
                topScores = topScores.Take(maxPerSet).ToList();
                thresh = topScores[^1];
            }
        }
        return aboxes.SelectMany(a => a.Where(b => !(b.Score < thresh)).Select(b => (b.Image, b.Row))).ToList();
    }

    [Fact]
    public void Mismatched_detectors_stores_and_splits_are_one_clear_line()
    {
        using var tmp = new TempDir();
        var (regions, store, features) = HandCase(tmp);
        using var _ = regions;
        var settings = DetectionSettings.Rcnn;
        string Problem(DetectorSet d, VocRegions r, string s) =>
            Assert.Throws<LayerProbeException>(() => DetectionTest.Run(d, r, s, features, settings, "dets.lpdet")).Message;

        Assert.Equal("dets.lpdet: detectors of layer 'fc7', but the store " + store + " holds 'pool5'", Problem(HandDetectors("fc7"), regions, store));
        Assert.StartsWith("dets.lpdet: the bird detector has 3 weights, but ", Problem(HandDetectors(dims: 3), regions, store));
        var fewer = HandDetectors() with { Classes = VocClasses.Names.Take(19).Append("tv").ToList() };
        Assert.StartsWith("dets.lpdet: detectors for the classes aeroplane,", Problem(fewer, regions, store));

        // features of the 'other' split's regions against the test split
        using var other = new VocRegions(regions.Devkit, "other", RegionDevkit.Store(tmp, regions.Devkit.Root, "other", HandBoxes[..2], "other-proposals"));
        string otherStore = SyntheticRegionStore.Write(tmp.Combine("other-features"), other, "pool5", 2, _ => [0, 0]);
        Assert.StartsWith($"{otherStore}: holds features of other items (voc/other/regions) than the regions of", Problem(HandDetectors(), regions, otherStore));

        // a NaN in a proposal's row would silently drop the box: the item and dimension are named instead
        string nanStore = SyntheticRegionStore.Write(tmp.Combine("nan-features"), regions, "pool5", 2, i => i == 4 ? [0, float.NaN] : [0, 0]);
        Assert.Equal($"{nanStore}: item '{regions.Id(4)}' has a non-finite value (NaN) at dimension 1", Problem(HandDetectors(), regions, nanStore));

        // a test image without proposals (the third labelme image has none in RegionDevkit's own proposals)
        using var empty = new VocRegions(regions.Devkit, "test", RegionDevkit.Store(tmp, regions.Devkit.Root, "test", null, "no-proposals"));
        Assert.EndsWith("images.tsv: test image 2011_000025 has no proposals: nothing to detect in it", Problem(HandDetectors(), empty, store));
    }

    [Fact]
    public void A_picture_embeds_the_jpeg_and_draws_gt_and_detections_with_class_and_score()
    {
        using var tmp = new TempDir();
        string root = RegionDevkit.Write(tmp);
        var devkit = new VocDevkit(root);
        var annotation = devkit.Annotation("2011_000003");
        string path = tmp.Combine("pictures", "2011_000003.svg");
        DetectionPictures.Write(path, annotation, devkit.ImagePath("2011_000003"), devkit.Classes,
            [(Class("person"), new Detection("2011_000003", new(101, 101, 200, 200), 1.25)), (Class("dog"), new Detection("2011_000003", new(151, 151, 250, 250), -0.5))]);

        var svg = System.Xml.Linq.XDocument.Load(path).Root!;
        System.Xml.Linq.XNamespace ns = "http://www.w3.org/2000/svg";
        var image = Assert.Single(svg.Elements(ns + "image"));
        string href = image.Attribute("href")!.Value;
        Assert.StartsWith("data:image/jpeg;base64,", href);
        Assert.Equal(File.ReadAllBytes(devkit.ImagePath("2011_000003")), Convert.FromBase64String(href["data:image/jpeg;base64,".Length..]));
        var boxes = svg.Elements(ns + "rect").Where(r => r.Attribute("fill")?.Value == "none").ToList();
        Assert.Equal(3 + 2, boxes.Count); // 3 GT objects (dashed) + 2 detections
        Assert.Equal(3, boxes.Count(b => b.Attribute("stroke-dasharray") is not null));
        var person = boxes.Single(b => b.Attribute("stroke")!.Value == DetectionPictures.Colour(Class("person")));
        Assert.Equal(("100", "100", "100", "100"), (person.Attribute("x")!.Value, person.Attribute("y")!.Value, person.Attribute("width")!.Value, person.Attribute("height")!.Value));
        var labels = svg.Elements(ns + "text").Select(t => t.Value).ToList();
        Assert.Contains("person 1.25", labels);
        Assert.Contains("dog -0.50", labels);
        Assert.Contains("cat (difficult)", labels);

        // and it goes into a report page as is
        var page = new LayerProbe.Reports.ReportPage("t").Figure("pictures/2011_000003", "detections");
        string html = LayerProbe.Reports.HtmlReport.Render(page, tmp.Path);
        Assert.Contains("data:image/jpeg;base64,", html);
    }
}
