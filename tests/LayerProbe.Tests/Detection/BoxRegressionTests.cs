using System.Globalization;
using System.Runtime.InteropServices;
using LayerProbe.Data;
using LayerProbe.Detection;
using LayerProbe.Features;
using LayerProbe.Probes;
using LayerProbe.Regions;
using LayerProbe.Tests.Data;
using LayerProbe.Tests.Proposals;
using LayerProbe.Tests.Regions;

namespace LayerProbe.Tests.Detectors; // not ".Detection": that namespace would hide LayerProbe.Probes.Detection in the other test folders

public class BoxRegressionTests
{
    static readonly FeatureScaling Unscaled = new(1, 1, 20, 0, 0);

    [References.NeedsFact(References.ExternalReference.Python, "numpy")]
    public void Ridge_and_whitening_equal_numpys_solve_and_eigh_on_the_same_data()
    {
        const int n = 60, d = 9, k = 4;
        const double lambda = 3.5;
        var random = new Random(7);
        var x = new double[n * d];
        var y = new double[n * k];
        for (int i = 0; i < x.Length; i++) x[i] = Math.Max(0, random.NextDouble() * 4 - 1); // ReLU-like, many zeros
        for (int i = 0; i < y.Length; i++) y[i] = random.NextDouble() * 2 - 0.5 + (i % k) * 0.3;
        using var tmp = new TempDir();
        File.WriteAllBytes(tmp.Combine("x.bin"), MemoryMarshal.AsBytes(x.AsSpan()).ToArray());
        File.WriteAllBytes(tmp.Combine("y.bin"), MemoryMarshal.AsBytes(y.AsSpan()).ToArray());
        var lines = PythonReference.RunOrFail($"""
            import numpy as np
            x = np.fromfile('{tmp.Combine("x.bin")}', dtype='<f8').reshape({n}, {d})
            y = np.fromfile('{tmp.Combine("y.bin")}', dtype='<f8').reshape({n}, {k})
            xa = np.hstack([x, np.ones(({n}, 1))])
            beta = np.linalg.solve(xa.T @ xa + {lambda.ToString(CultureInfo.InvariantCulture)} * np.eye({d + 1}), xa.T @ y)
            mu = y.mean(axis=0); yc = y - mu; s = yc.T @ yc / {n}
            w, v = np.linalg.eigh(s)
            t = v @ np.diag(1 / np.sqrt(w + 0.001)) @ v.T; ti = v @ np.diag(np.sqrt(w + 0.001)) @ v.T
            for name, a in (('beta', beta), ('mu', mu), ('t', t), ('ti', ti)):
                print(name, ' '.join(repr(float(q)) for q in a.ravel()))
            """);
        var reference = lines.Select(l => l.Split(' ')).ToDictionary(p => p[0], p => p[1..].Select(q => double.Parse(q, CultureInfo.InvariantCulture)).ToArray());

        using var ridge = new RidgeRegression(d, k);
        foreach (var (start, rows) in new[] { (0, 25), (25, 35) }) // streamed in two blocks
        {
            var block = new double[rows * (d + 1)];
            for (int q = 0; q < rows; q++)
            {
                x.AsSpan((start + q) * d, d).CopyTo(block.AsSpan(q * (d + 1)));
                block[q * (d + 1) + d] = 1;
            }
            ridge.Add(block, y[(start * k)..((start + rows) * k)], rows);
        }
        AssertClose(reference["beta"], ridge.Solve(lambda), 1e-10);

        var whitening = TargetWhitening.Fit(y, k, 0.001);
        AssertClose(reference["mu"], whitening.Mean, 1e-12);
        AssertClose(reference["t"], whitening.Transform, 1e-10);
        AssertClose(reference["ti"], whitening.Inverse, 1e-10);
        Span<double> white = stackalloc double[k], back = stackalloc double[k];
        whitening.Whiten(y.AsSpan(0, k), white);
        whitening.Restore(white, back);
        AssertClose(y[..k], back.ToArray(), 1e-12);
    }

    [Fact]
    public void Targets_are_worked_by_hand_and_decode_back_to_the_box()
    {
        // P = [11 21 30 60]: w = 19, h = 39 (R-CNN's code: x2 − x1, no +1), centre (20.5, 40.5).
        // G = [15 25 40 64]: w = 25, h = 39, centre (27.5, 44.5).
        var p = new PixelBox(11, 21, 30, 60);
        var g = new PixelBox(15, 25, 40, 64);
        var t = new double[4];
        BoxTargets.Encode(p, g, t);
        Assert.Equal(7.0 / 19, t[0], 1e-14);
        Assert.Equal(4.0 / 39, t[1], 1e-14);
        Assert.Equal(Math.Log(25.0 / 19), t[2], 1e-14);
        Assert.Equal(0, t[3], 1e-14);
        var back = BoxTargets.Decode(p, t);
        Assert.Equal(g.X1, back.X1, 1e-12); Assert.Equal(g.Y1, back.Y1, 1e-12);
        Assert.Equal(g.X2, back.X2, 1e-12); Assert.Equal(g.Y2, back.Y2, 1e-12);
        Assert.Equal(p, BoxTargets.Decode(p, [0, 0, 0, 0]));
        // A one-pixel-wide box (x1 = x2) has width eps, not 0: the targets stay finite as in the code.
        BoxTargets.Encode(new PixelBox(5, 5, 5, 9), g, t);
        Assert.All(t, v => Assert.True(double.IsFinite(v)));
    }

    [Fact]
    public void Boxes_are_clipped_to_the_image()
    {
        Assert.Equal(new PixelBox(1, 1, 320, 240), BoxTargets.Clip(new PixelBox(-12.5, -3, 400, 260.25), 320, 240));
        Assert.Equal(new PixelBox(10.5, 20, 30, 40.75), BoxTargets.Clip(new PixelBox(10.5, 20, 30, 40.75), 320, 240));
        // Through a regressor whose bias alone doubles the width and moves the centre left by a whole width.
        var set = Train(Synthetic(200, 5, seed: 3, out _), lambda: 1e-6);
        var row = new float[5];
        var big = set.Predict(new PixelBox(2, 2, 300, 230), row, 0);
        var clipped = set.Regress(new PixelBox(2, 2, 300, 230), row, 0, 320, 240);
        Assert.True(big.X1 < 1 || big.Y1 < 1 || big.X2 > 320 || big.Y2 > 240, $"the test box should leave the image: {big}");
        Assert.Equal(BoxTargets.Clip(big, 320, 240), clipped);
        Assert.True(clipped.X1 >= 1 && clipped.Y1 >= 1 && clipped.X2 <= 320 && clipped.Y2 <= 240);
    }

    [Fact]
    public void Targets_that_are_a_linear_function_of_the_features_are_recovered()
    {
        var data = Synthetic(400, 12, seed: 11, out var truth);
        var set = Train(data, lambda: 1e-6);
        // New rows and proposals: the regressed box must be the box the true linear map gives.
        var random = new Random(99);
        for (int trial = 0; trial < 50; trial++)
        {
            var x = Features(random, 12);
            var p = RandomBox(random);
            var expected = BoxTargets.Decode(p, truth(x));
            var got = set.Predict(p, x, 0);
            Assert.Equal(expected.X1, got.X1, 1e-4); Assert.Equal(expected.Y1, got.Y1, 1e-4);
            Assert.Equal(expected.X2, got.X2, 1e-4); Assert.Equal(expected.Y2, got.Y2, 1e-4);
        }
        // R-CNN's λ = 1000 shrinks the same fit towards the mean target: the error is larger but bounded.
        var rcnn = Train(data, lambda: 1000);
        Assert.NotEqual(set.Models[0]!.Beta, rcnn.Models[0]!.Beta);
    }

    [Fact]
    public void Pairs_follow_the_codes_rules_on_hand_worked_overlaps()
    {
        using var tmp = new TempDir();
        string root = RegionDevkit.Write(tmp);
        int[][][] proposals =
        [
            // person GT [101 101 200 200]: a copy (IoU 1); shifted 25 px: IoU 75/125 = 0.6 exactly (not > 0.6: out);
            // shifted 24 px: IoU 76/124 = 0.613 (in); a copy of the dog.
            [[101, 101, 200, 200], [126, 101, 225, 200], [125, 101, 224, 200], [151, 151, 250, 250]],
            [[11, 21, 310, 220], [1, 1, 500, 375]], // the car and the whole image (IoU 0.32: out)
            [],
        ];
        string store = RegionDevkit.Store(tmp, root, boxes: proposals);
        using var regions = new VocRegions(new VocDevkit(root), "test", store);
        string dir = tmp.Combine("features");
        RegionTable.WriteBeside(regions, dir);
        using var table = RegionTableRows.Of(regions, dir);
        var pairs = BoxRegressionPairs.Select(regions, table, 0.6);
        int C(string name) => VocClasses.IndexOf(name);
        // Rows: image 1 = GT person, dog, cat (difficult) then 4 proposals (3–6); image 2 = GT car (7), 8, 9; image 3 = GT person (10).
        Assert.Equal([0, 3, 5, 10], pairs.Rows(C("person")));
        Assert.Equal([1, 6], pairs.Rows(C("dog")));
        Assert.Equal([2], pairs.Rows(C("cat")));
        Assert.Equal([7, 8], pairs.Rows(C("car")));
        Assert.Equal(9, Enumerable.Range(0, 20).Sum(pairs.Count));
        var person = pairs.Targets(C("person")).ToArray();
        Assert.Equal([0, 0, 0, 0], person[..4]);
        Assert.Equal(-24.0 / 99, person[8], 1e-12); // row 5: the centre moves 24 px left, widths 99 + eps both
        Assert.Equal([0, 0, 0], person[9..12]);

        // Training on these rows: a class without pairs has no regressor and leaves its boxes as they are.
        var features = new float[regions.Count * 3];
        new Random(1).NextBytes(MemoryMarshal.AsBytes(features.AsSpan()));
        for (int i = 0; i < features.Length; i++) features[i] = (i * 7919 % 13) / 13f;
        var set = BoxRegressors.Train(regions, table, new DenseFeatureRows(features, regions.Count, 3), Unscaled);
        Assert.Null(set.Models[C("bird")]);
        Assert.Equal(4, set.Models[C("person")]!.Pairs);
        var box = new PixelBox(5, 5, 50, 50);
        Assert.Equal(box, set.Predict(box, features.AsSpan(0, 3), C("bird")));
    }

    [Fact]
    public void Regressors_train_from_an_extracted_pool5_store_of_region_items()
    {
        using var tmp = new TempDir();
        string root = RegionDevkit.Write(tmp), store = RegionDevkit.Store(tmp, root);
        var network = MiniCaffeNet.Load(tmp);
        var (items, warp) = ItemSetSources.Create($"voc2007:{root}:test:proposals:{store}", network);
        using var regions = (VocRegions)items;
        var result = FeatureExtractor.Run(network, regions, warp, ["pool5"], tmp.Combine("features"), new ExtractionOptions { BatchSize = 4 });
        RegionTable.WriteBeside(regions, tmp.Combine("features"));
        using var table = RegionTableRows.Of(regions, tmp.Combine("features"));
        using var matrix = FeatureMatrix.Open(result.Stores[0].Directory);
        var pool5 = new StoredFeatureRows(matrix);
        var scaling = FeatureScaling.Estimate(pool5);
        var stored = BoxRegressors.Train(regions, table, pool5, scaling);

        // The same rows copied out in region order train the same regressors: the store is read at the pairs' rows.
        var copy = new float[pool5.Count * pool5.Dimensions];
        for (int i = 0; i < pool5.Count; i++) pool5.Row(i).CopyTo(copy.AsSpan(i * pool5.Dimensions));
        var dense = BoxRegressors.Train(regions, table, new DenseFeatureRows(copy, pool5.Count, pool5.Dimensions), scaling);
        Assert.Equal(4, stored.Models.Count(m => m is not null)); // person, dog, cat, car
        for (int c = 0; c < 20; c++) Assert.Equal(dense.Models[c]?.Beta, stored.Models[c]?.Beta);
        Assert.Equal(pool5.Dimensions, stored.Dimensions);
        Assert.Equal(scaling, stored.Scaling);

        // Features of another region set are refused with one line.
        var wrong = new DenseFeatureRows(new float[3 * pool5.Dimensions], 3, pool5.Dimensions);
        Assert.Contains("3 feature rows for 10 regions", Assert.Throws<LayerProbeException>(() => BoxRegressors.Train(regions, table, wrong, scaling)).Message);
    }

    [Fact]
    public void Regressors_survive_a_save_and_load_and_damaged_files_are_refused()
    {
        var set = Train(Synthetic(100, 6, seed: 5, out _), lambda: 1000);
        using var tmp = new TempDir();
        string path = tmp.Combine("box-regressors.bin");
        set.Save(path);
        Assert.Empty(Directory.GetFiles(tmp.Path, "*.tmp"));
        var back = BoxRegressors.Load(path);
        Assert.Equal(set.Classes, back.Classes);
        Assert.Equal(set.Settings, back.Settings);
        Assert.Equal(set.Scaling, back.Scaling);
        Assert.Equal(set.Models[0]!.Beta, back.Models[0]!.Beta);
        Assert.Null(back.Models[1]);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length - 9)]);
        Assert.StartsWith(path + ": ", Assert.Throws<LayerProbeException>(() => BoxRegressors.Load(path)).Message);
        File.WriteAllBytes(path, [.. "NOTMAGIC"u8, .. bytes[8..]]);
        Assert.Contains("not a box-regressor file", Assert.Throws<LayerProbeException>(() => BoxRegressors.Load(path)).Message);
    }

    /// <summary>
    /// n rows of d ReLU-like features and pairs of class 0 whose GT boxes are the proposals moved by targets that are a
    /// known linear function of the features (class 1 gets no pairs).
    /// </summary>
    static (BoxRegressionPairs Pairs, DenseFeatureRows Rows) Synthetic(int n, int d, int seed, out Func<float[], double[]> truth)
    {
        var random = new Random(seed);
        var a = new double[4, d];
        for (int o = 0; o < 4; o++)
            for (int j = 0; j < d; j++) a[o, j] = (random.NextDouble() - 0.5) * 0.2;
        double[] b = [0.05, -0.03, 0.1, -0.08];
        truth = x =>
        {
            var t = (double[])b.Clone();
            for (int o = 0; o < 4; o++)
                for (int j = 0; j < x.Length; j++) t[o] += a[o, j] * x[j];
            return t;
        };
        var features = new float[n * d];
        var items = new List<(int, int, PixelBox, PixelBox)>();
        for (int i = 0; i < n; i++)
        {
            var x = Features(random, d);
            x.CopyTo(features, i * d);
            var p = RandomBox(random);
            items.Add((i, 0, p, BoxTargets.Decode(p, truth(x))));
        }
        return (BoxRegressionPairs.FromBoxes(2, items), new DenseFeatureRows(features, n, d));
    }

    static BoxRegressors Train((BoxRegressionPairs Pairs, DenseFeatureRows Rows) data, double lambda) =>
        BoxRegressors.Train(data.Pairs, ["a", "b"], data.Rows, Unscaled, new BoxRegressionSettings(Lambda: lambda, BlockRows: 64));

    static float[] Features(Random random, int d) => [.. Enumerable.Range(0, d).Select(_ => (float)Math.Max(0, random.NextDouble() * 3 - 0.5))];

    static PixelBox RandomBox(Random random)
    {
        double x1 = random.Next(1, 200), y1 = random.Next(1, 150);
        return new PixelBox(x1, y1, x1 + random.Next(20, 120), y1 + random.Next(20, 90));
    }

    static void AssertClose(double[] expected, double[] actual, double relative)
    {
        Assert.Equal(expected.Length, actual.Length);
        double scale = expected.Max(Math.Abs);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= relative * Math.Max(scale, 1e-300), $"[{i}] {actual[i]:R} vs numpy {expected[i]:R}");
    }
}
