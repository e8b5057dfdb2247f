using LayerProbe.Data;
using LayerProbe.Detection;
using LayerProbe.Probes;
using LayerProbe.Regions;
using LayerProbe.Tests.Data;
using LayerProbe.Tests.Regions;

namespace LayerProbe.Tests.Detection;

/// <summary>
/// Box regression inside test-time detection (docs/method.md §6.6, <c>rcnn_test_bbox_regressor.m</c>) on the three
/// labelme images: training proposals are GT boxes moved a little (IoU &gt; 0.62, the regressors' pairs), test proposals
/// are GT boxes moved by 45 % of their size (IoU &lt; 0.5: misses) plus a near copy of some, and a few random boxes.
/// The detectors read an "fc7" store whose row is the score of the class of the GT box the region overlaps most; the
/// regressors read a "pool5" store (as R-CNN: pool5 regressors for fc7 detectors) whose row is the four targets that move
/// the region onto that box — a linear function, which ridge regression can learn exactly.
/// </summary>
public class BoxRegressionDetectionTests
{
    static readonly FeatureScaling Unscaled = new(20, 1, 20, 1, 0);
    static readonly string[] Present = ["person", "dog", "cat", "car"];
    const int Dims = BoxTargets.Count;
    static readonly (int W, int H)[] Sizes = [(500, 338), (500, 375), (500, 375)];
    static int Class(string name) => VocClasses.IndexOf(name);

    /// <summary>Per image: near copies (IoU &gt; 0.62) of every GT box, and 4 random boxes.</summary>
    static int[][][] TrainingBoxes()
    {
        var random = new Random(3);
        var boxes = RegionDevkit.ManyBoxes(3, 4, seed: 8).Select(b => b.ToList()).ToArray();
        for (int i = 0; i < 3; i++)
            foreach (var o in RegionDevkit.Objects[i])
                for (int added = 0; added < 6;)
                {
                    double w = o.Box[2] - o.Box[0], h = o.Box[3] - o.Box[1];
                    double sx = (random.NextDouble() - 0.5) * 0.24, sy = (random.NextDouble() - 0.5) * 0.24, sw = 0.9 + 0.2 * random.NextDouble(), sh = 0.9 + 0.2 * random.NextDouble();
                    int x1 = (int)Math.Round(o.Box[0] + sx * w), y1 = (int)Math.Round(o.Box[1] + sy * h);
                    int[] box = [x1, y1, x1 + (int)Math.Round(w * sw), y1 + (int)Math.Round(h * sh)];
                    if (box[0] < 1 || box[1] < 1 || box[2] > Sizes[i].W || box[3] > Sizes[i].H || Iou(box, o.Box) <= 0.62) continue;
                    boxes[i].Add(box);
                    added++;
                }
        return [.. boxes.Select(b => b.ToArray())];
    }

    /// <summary>
    /// Per image: each GT box moved by 45 % of its width left/right and of its height up/down (where it stays inside the
    /// image; IoU ≈ 0.38 with the box, mutual IoU ≤ 0.18, so plain NMS keeps them all), a near copy (moved 10 %, IoU
    /// 0.82) of the first image's boxes only, and 3 random boxes.
    /// </summary>
    static int[][][] TestBoxes(out HashSet<(int Image, int Row)> near)
    {
        near = [];
        var boxes = RegionDevkit.ManyBoxes(3, 3, seed: 12).Select(b => b.ToList()).ToArray();
        for (int i = 0; i < 3; i++)
            foreach (var o in RegionDevkit.Objects[i])
            {
                int w = o.Box[2] - o.Box[0], h = o.Box[3] - o.Box[1], dx = (int)Math.Round(0.45 * w), dy = (int)Math.Round(0.45 * h);
                foreach (var (mx, my) in new[] { (-dx, 0), (dx, 0), (0, -dy), (0, dy) })
                {
                    int[] box = [o.Box[0] + mx, o.Box[1] + my, o.Box[2] + mx, o.Box[3] + my];
                    if (box[0] >= 1 && box[1] >= 1 && box[2] <= Sizes[i].W && box[3] <= Sizes[i].H) boxes[i].Add(box);
                }
                if (i == 0)
                {
                    near.Add((i, boxes[i].Count));
                    boxes[i].Add([o.Box[0] + w / 10, o.Box[1], o.Box[2] + w / 10, o.Box[3]]);
                }
            }
        return [.. boxes.Select(b => b.ToArray())];
    }

    static double Iou(int[] a, int[] b) => BoxOverlap.IoU(Box(a), Box(b));
    static PixelBox Box(int[] b) => new(b[0], b[1], b[2], b[3]);

    /// <summary>The GT object row <paramref name="item"/>'s box overlaps most (the first on ties, as the pairs take it), its box and the IoU.</summary>
    static (VocObject Best, PixelBox Box, double Iou, int Image, int Proposal) Nearest(VocRegions regions, int item)
    {
        var (image, row) = regions.Locate(item);
        var objects = regions.Annotation(image).Objects;
        var box = row < objects.Count ? objects[row].Box : regions.Proposals(image)[row - objects.Count];
        var best = objects.MaxBy(o => BoxOverlap.IoU(box, o.Box))!;
        return (best, box, BoxOverlap.IoU(box, best.Box), image, row - objects.Count);
    }

    /// <summary>The detectors' "fc7" store: per row the score of its best-overlapped GT box's class when IoU ≥ 0.3
    /// (<paramref name="nearScore"/> for the listed near copies), 0 otherwise.</summary>
    static string ScoreStore(string root, VocRegions regions, HashSet<(int, int)> near, float nearScore) =>
        SyntheticRegionStore.Write(root, regions, "fc7", Present.Length, item =>
        {
            var n = Nearest(regions, item);
            var x = new float[Present.Length];
            if (n.Iou >= 0.3) x[Array.IndexOf(Present, n.Best.ClassName)] = near.Contains((n.Image, n.Proposal)) ? nearScore : 1;
            return x;
        });

    /// <summary>The regressors' "pool5" store: per row the four targets that move its box onto its best-overlapped GT box.</summary>
    static string TargetStore(string root, VocRegions regions) =>
        SyntheticRegionStore.Write(root, regions, "pool5", Dims, item =>
        {
            var n = Nearest(regions, item);
            Span<double> t = stackalloc double[BoxTargets.Count];
            BoxTargets.Encode(n.Box, n.Best.Box, t);
            return [(float)t[0], (float)t[1], (float)t[2], (float)t[3]];
        });

    /// <summary>Hand-made detectors: class c's score is its column of the features.</summary>
    static DetectorSet Detectors()
    {
        var models = new LinearModel?[VocClasses.Names.Count];
        for (int k = 0; k < Present.Length; k++)
        {
            var w = new float[Present.Length];
            w[k] = 1;
            models[Class(Present[k])] = new LinearModel(w, 0);
        }
        return new DetectorSet(VocClasses.Names, models, Unscaled, "fc7");
    }

    sealed class Case : IDisposable
    {
        public required TempDir Tmp { get; init; }
        public required VocRegions Train { get; init; }
        public required VocRegions Test { get; init; }
        public required string TrainStore { get; init; }
        public required string TrainFeatures { get; init; }
        public required string TestStore { get; init; }
        public required string TestScores { get; init; }
        public required string TestFeatures { get; init; }
        public PrunedDetections Pruned => DetectionTest.Prune(Detectors(), Test, TestScores, TestFeatures, DetectionSettings.Rcnn, "hand");

        public BoxRegressors Trained(double lambda)
        {
            using var matrix = LayerProbe.Features.FeatureMatrix.Open(TrainStore);
            using var table = RegionTableRows.Of(Train, TrainFeatures);
            var rows = new LayerProbe.Features.StoredFeatureRows(matrix);
            return BoxRegressors.Train(Train, table, rows, FeatureScaling.Estimate(rows), new BoxRegressionSettings(Lambda: lambda), layer: "pool5");
        }

        public void Dispose()
        {
            Train.Dispose();
            Test.Dispose();
            Tmp.Dispose();
        }
    }

    static Case Make(float nearScore = 2)
    {
        var tmp = new TempDir();
        string root = RegionDevkit.Write(tmp);
        var train = new VocRegions(new VocDevkit(root), "test", RegionDevkit.Store(tmp, root, "test", TrainingBoxes(), "train-proposals"));
        var test = new VocRegions(new VocDevkit(root), "test", RegionDevkit.Store(tmp, root, "test", TestBoxes(out var near), "test-proposals"));
        string trainFeatures = tmp.Combine("train-features"), testFeatures = tmp.Combine("test-features");
        return new Case
        {
            Tmp = tmp, Train = train, Test = test, TrainFeatures = trainFeatures, TestFeatures = testFeatures,
            TrainStore = TargetStore(trainFeatures, train), TestStore = TargetStore(testFeatures, test), TestScores = ScoreStore(testFeatures, test, near, nearScore),
        };
    }

    [Fact]
    public void Regressors_that_learn_a_linear_offset_turn_misses_into_hits_before_nms()
    {
        using var c = Make();
        var pruned = c.Pruned;
        var plain = DetectionTest.Evaluate(pruned, c.Test);
        var moved = BoxRegressionTest.Apply(c.Trained(lambda: 1e-6), pruned, c.Test, c.TestStore, "regs");
        string comp4 = c.Tmp.Combine("bb", "results", "VOC2007", "Main");
        var regressed = DetectionTest.Evaluate(moved, c.Test, comp4);

        // Plain: only the first image's near copies (score 2) hit; the 45 % moves all miss. person: 1 of 2 found first
        // → 11-point AP 6/11; dog (near copy) 1; car (no near copy) 0; cat: difficult only, left out.
        Assert.Equal(6.0 / 11, plain.Classes[Class("person")].Ap.ElevenPoint, 12);
        Assert.Equal(1.0, plain.Classes[Class("dog")].Ap.ElevenPoint, 12);
        Assert.Equal(0.0, plain.Classes[Class("car")].Ap.ElevenPoint, 12);
        Assert.Equal(3, plain.Mean.ValidClasses);
        // Regressed: every copy lands on its GT box, NMS (after the move) keeps one per object, and every class is found first.
        foreach (var cls in new[] { "person", "dog", "car" })
        {
            Assert.Equal(1.0, regressed.Classes[Class(cls)].Ap.ElevenPoint, 12);
            Assert.Equal(regressed.Classes[Class(cls)].Ap.ElevenPoint, DevkitEvaluator.Ap(c.Test.Devkit.Root, "test", cls, Path.Combine(comp4, $"comp4_det_test_{cls}.txt")), 12);
        }
        Assert.True(regressed.Mean.ElevenPoint > plain.Mean.ElevenPoint + 0.4, $"{regressed.Mean.ElevenPoint} vs {plain.Mean.ElevenPoint}");

        // The moved copies are the GT box to a small fraction of a pixel (float32 features), and NMS ran on the moved
        // boxes: of the car's two 45 % copies (mutual IoU 0, both kept without regression) one detection at score 1 remains.
        var car = RegionDevkit.Objects[1][0].Box;
        Assert.Equal(2, plain.Classes[Class("car")].Detections.Count(d => d.Score == 1));
        var carHits = regressed.Classes[Class("car")].Detections.Where(d => d.Score == 1).ToList();
        var hit = Assert.Single(carHits);
        double[] corners = [hit.Box.X1, hit.Box.Y1, hit.Box.X2, hit.Box.Y2];
        for (int k = 0; k < 4; k++) Assert.True(Math.Abs(corners[k] - car[k]) < 1e-3, $"car corner {k}: {corners[k]:R} vs {car[k]}");
        // scores and candidates are those of the pruning: regression moves boxes only
        Assert.Equal(pruned.Classes.Select(p => p.Candidates.Select(x => (x.Image, x.Region, x.Score))), moved.Classes.Select(p => p.Candidates.Select(x => (x.Image, x.Region, x.Score))));
    }

    [Fact]
    public void An_identity_regressor_leaves_detections_and_ap_unchanged_and_a_huge_lambda_moves_each_box_by_its_class_mean_offset()
    {
        using var c = Make();
        var pruned = c.Pruned;
        var plain = DetectionTest.Evaluate(pruned, c.Test);

        // β = 0 and μ = 0: every target is 0, Decode gives the box back exactly (integer corners), clipping changes nothing.
        var identity = new BoxRegressors(VocClasses.Names, [.. VocClasses.Names.Select(_ => new BoxRegressor(1,
            new TargetWhitening(new double[4], Eye(), Eye()), new double[(Dims + 1) * 4]))], Dims, Unscaled, BoxRegressionSettings.Rcnn, "pool5");
        var same = DetectionTest.Evaluate(BoxRegressionTest.Apply(identity, pruned, c.Test, c.TestStore, "identity"), c.Test);
        for (int k = 0; k < plain.Classes.Count; k++)
        {
            Assert.Equal(plain.Classes[k].Detections, same.Classes[k].Detections);
            Assert.Equal(plain.Classes[k].Ap, same.Classes[k].Ap);
        }
        Assert.Equal(plain.Mean.ElevenPoint, same.Mean.ElevenPoint);

        // λ → ∞: β → 0, the whitened prediction → 0, so every box of class k is moved by the mean target of k's pairs:
        // computed here from the training rows by the pairs' rule (best IoU with a GT box of the image > 0.6).
        var huge = BoxRegressionTest.Apply(c.Trained(lambda: 1e15), pruned, c.Test, c.TestStore, "huge");
        var sums = new double[VocClasses.Names.Count, 4];
        var counts = new int[VocClasses.Names.Count];
        Span<double> t = stackalloc double[4];
        for (int image = 0; image < c.Train.Images; image++)
        {
            var objects = c.Train.Annotation(image).Objects;
            var boxes = objects.Select(o => o.Box).Concat(c.Train.Proposals(image)).ToList();
            foreach (var box in boxes)
            {
                var best = objects.MaxBy(o => BoxOverlap.IoU(box, o.Box))!;
                if (!(BoxOverlap.IoU(box, best.Box) > 0.6)) continue;
                BoxTargets.Encode(box, best.Box, t);
                counts[best.ClassIndex]++;
                for (int k = 0; k < 4; k++) sums[best.ClassIndex, k] += t[k];
            }
        }
        foreach (var p in huge.Classes)
        {
            Assert.True(counts[p.Class] > 0, VocClasses.Names[p.Class]);
            double[] mean = [.. Enumerable.Range(0, 4).Select(k => sums[p.Class, k] / counts[p.Class])];
            var original = pruned.Classes.Single(q => q.Class == p.Class).Candidates;
            for (int i = 0; i < p.Candidates.Count; i++)
            {
                var a = c.Test.Annotation(original[i].Image);
                var expected = BoxTargets.Clip(BoxTargets.Decode(original[i].Box, mean), a.Width, a.Height);
                var got = p.Candidates[i].Box;
                Assert.True(Math.Abs(got.X1 - expected.X1) + Math.Abs(got.Y1 - expected.Y1) + Math.Abs(got.X2 - expected.X2) + Math.Abs(got.Y2 - expected.Y2) < 1e-6,
                    $"{VocClasses.Names[p.Class]} box {i}: {got} vs {expected}");
            }
        }
    }

    [Fact]
    public void Regressors_of_another_layer_dimension_or_class_list_are_one_clear_line()
    {
        using var c = Make();
        var pruned = c.Pruned;
        var trained = c.Trained(lambda: 1000);
        string Problem(BoxRegressors r) => Assert.Throws<LayerProbeException>(() => BoxRegressionTest.Apply(r, pruned, c.Test, c.TestStore, "r.lpbox")).Message;

        var fc7 = new BoxRegressors(trained.Classes, trained.Models, trained.Dimensions, trained.Scaling, trained.Settings, "fc7");
        Assert.Equal($"r.lpbox: box regressors of layer 'fc7', but the store {c.TestStore} holds 'pool5'", Problem(fc7));
        var wider = new BoxRegressors(trained.Classes, [.. trained.Classes.Select(_ => (BoxRegressor?)null)], Dims + 1, trained.Scaling, trained.Settings, "pool5");
        Assert.Equal($"r.lpbox: box regressors of {Dims + 1}-dimensional features, but {c.TestStore} has {Dims}-dimensional rows", Problem(wider));
        var two = new BoxRegressors(["tshirt", "trouser"], [null, null], Dims, trained.Scaling, trained.Settings, "pool5");
        Assert.StartsWith("r.lpbox: box regressors for the classes tshirt,trouser, but ", Problem(two));
        // the training features given for the test split: features of other regions
        Assert.StartsWith($"{c.TrainStore}: holds features of other items",
            Assert.Throws<LayerProbeException>(() => BoxRegressionTest.Apply(trained, pruned, c.Test, c.TrainStore, "r.lpbox")).Message);
    }

    static double[] Eye() => [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];
}
