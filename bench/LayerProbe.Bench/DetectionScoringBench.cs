using System.Diagnostics;
using System.Globalization;
using LayerProbe.Data;
using LayerProbe.Detection;
using LayerProbe.Features;
using LayerProbe.Probes;
using LayerProbe.Regions;

namespace LayerProbe.Bench;

/// <summary>
/// R-CNN's test-time detection (<see cref="DetectionTest"/>: scoring every non-GT proposal, pruning, NMS, AP) on a
/// stored region split, in proposals/s as the detection report prints them, beside scoring alone by
/// <see cref="RegionScorer"/> and by the reference in the same process: each row read, scaled by the detectors' factor
/// and dotted with every class's weights, one row at a time (what the scorer did before it scored blocks of rows
/// against all classes at once). Data: the labelme VOC photographs with seeded random proposals
/// (<see cref="RegionDevkit"/>), a float32 store of seeded non-negative features (ReLU-like, about half zeros) written
/// image by image, and random detectors for the first <c>--classes</c> VOC classes. Last round's numbers, from the
/// demo's probe run: 30,000 proposals/s at 2,048 dims, 143,000/s at 512 dims (10 classes).
/// <c>layerprobe-bench detect-scoring [--images 20] [--proposals 2000] [--dims 2048] [--classes 10] [--dir PATH]</c>
/// </summary>
sealed class DetectionScoringBench : IBenchmark
{
    public string Name => "detect-scoring";
    public string Description => "test-time detection (scoring + pruning + NMS) in proposals/s on a stored split; scoring alone vs row-by-row reference";

    public int Run(string[] args)
    {
        var inv = CultureInfo.InvariantCulture;
        int images = RegionDevkit.Int(args, "--images", 20), perImage = RegionDevkit.Int(args, "--proposals", 2000);
        int dims = RegionDevkit.Int(args, "--dims", 2048), classes = RegionDevkit.Int(args, "--classes", 10);
        string work = Directory.CreateDirectory(Path.Combine(RegionDevkit.Arg(args, "--dir") ?? Path.GetTempPath(), $"lp-detect-scoring-{Guid.NewGuid():N}")).FullName;
        try
        {
            string spec = RegionDevkit.Create(work, images, perImage);
            var parts = spec.Split(':');
            using var regions = new VocRegions(new VocDevkit(parts[1]), "test", parts[^1]);
            string features = Path.Combine(work, "features");
            string store = WriteStore(features, regions, dims);
            var detectors = RandomDetectors(regions.Classes, Math.Min(classes, regions.Classes.Count), dims);
            Console.WriteLine(string.Create(inv, $"== {regions.Count:N0} regions ({images} images × {perImage} proposals + GT) × {dims} dims, {classes} classes, {Environment.ProcessorCount} cores, load {RegionDevkit.Load()} =="));

            var clock = Stopwatch.StartNew();
            foreach (var run in new[] { "first run (JIT, store pages mapped in)", "second run" })
            {
                clock.Restart();
                var result = DetectionTest.Run(detectors, regions, store, features, DetectionSettings.Rcnn, "bench", log: TextWriter.Null);
                Console.WriteLine(string.Create(inv, $"detection (scoring + pruning + NMS), {run}: {result.ProposalsScored:N0} proposals in {result.ScoringSeconds:F2} s = {result.ProposalsScored / result.ScoringSeconds:N0} proposals/s; with opening and AP {clock.Elapsed.TotalSeconds:F2} s"));
            }
            Console.WriteLine("(last round, inside the demo's probe run: 30,000 proposals/s at 2,048-d, 143,000/s at 512-d, 10 classes)");

            using var scorer = new RegionScorer(detectors, regions, store, features, "bench");
            var (blocked, blockedSeconds) = Timed(() => scorer.Score(0, regions.Images));
            using (BatchedProducts.Force(torch: false))
            {
                var (_, managed) = Timed(() => scorer.Score(0, regions.Images));
                Console.WriteLine(string.Create(inv, $"scoring alone, managed kernels forced: {blocked.Sum(s => s.Regions.Length) / managed:N0} proposals/s"));
            }
            if (TorchBatchedProducts.Available)
                using (BatchedProducts.Force(torch: true))
                {
                    var (_, sgemm) = Timed(() => scorer.Score(0, regions.Images));
                    Console.WriteLine(string.Create(inv, $"scoring alone, libtorch sgemm forced: {blocked.Sum(s => s.Regions.Length) / sgemm:N0} proposals/s"));
                }
            clock.Restart();
            var reference = RowByRow(detectors, regions, store, features);
            double referenceSeconds = clock.Elapsed.TotalSeconds;
            long n = blocked.Sum(s => (long)s.Regions.Length);
            double worst = 0;
            for (int i = 0; i < blocked.Length; i++)
                for (int j = 0; j < blocked[i].Scores.Length; j++)
                    worst = Math.Max(worst, Math.Abs(blocked[i].Scores[j] - reference[i][j]) / (1 + Math.Abs(reference[i][j])));
            Console.WriteLine(string.Create(inv, $"scoring alone: blocked {n / blockedSeconds:N0} proposals/s, row by row {n / referenceSeconds:N0}/s: {referenceSeconds / blockedSeconds:F1}×; largest relative score difference {worst:E1}"));
            return worst <= 1e-4 ? 0 : 1;
        }
        finally
        {
            Directory.Delete(work, true);
        }
    }

    static (T Value, double Seconds) Timed<T>(Func<T> work)
    {
        var clock = Stopwatch.StartNew();
        var value = work();
        return (value, clock.Elapsed.TotalSeconds);
    }

    /// <summary>The features store of the split's regions: seeded values max(0, u − 0.5) with u uniform in [0, 1), image by image.</summary>
    static string WriteStore(string featuresRoot, VocRegions regions, int dims)
    {
        string dir = Path.Combine(featuresRoot, "pool5-test");
        var manifest = new FeatureManifest
        {
            ModelPath = "synthetic.onnx", ModelSha256 = "00", DataName = regions.Name, DataFingerprint = regions.Fingerprint,
            Preprocessing = "none", LayerAlias = "pool5", LayerValue = "pool5", Shape = [dims], DType = "float32", Key = "bench-pool5-test",
            FormatVersion = 1, ToolVersion = "bench", DotNetVersion = Environment.Version.ToString(), OnnxRuntimeVersion = "-", Created = "-", Rows = 0, Complete = false,
        };
        var random = new Random(2014);
        using (var writer = FeatureStoreWriter.OpenOrCreate(dir, FeatureMatrixHeader.ForShape(FeatureDType.Float32, regions.Count, [dims]), manifest))
        {
            for (int image = 0; image < regions.Images; image++)
            {
                int first = regions.FirstItem(image), rows = regions.FirstItem(image + 1) - first;
                var values = new float[rows * dims];
                for (int j = 0; j < values.Length; j++) values[j] = Math.Max(0, random.NextSingle() - 0.5f);
                writer.Append(values, Enumerable.Range(first, rows).Select(regions.Id).ToArray());
                writer.Commit();
            }
            writer.Complete();
        }
        RegionTable.WriteBeside(regions, featuresRoot);
        return dir;
    }

    static DetectorSet RandomDetectors(IReadOnlyList<string> names, int classes, int dims)
    {
        var random = new Random(7);
        var models = new LinearModel?[names.Count];
        for (int c = 0; c < classes; c++)
            models[c] = new LinearModel(Enumerable.Range(0, dims).Select(_ => random.NextSingle() - 0.5f).ToArray(), random.NextDouble() - 0.5);
        return new DetectorSet(names, models, new FeatureScaling(54, 0.37, 20, 1000, 0), "pool5");
    }

    /// <summary>The reference: per image, each non-GT row scaled and dotted with each class's weights in turn.</summary>
    static double[][] RowByRow(DetectorSet detectors, VocRegions regions, string store, string tableDirectory)
    {
        using var matrix = FeatureMatrix.Open(store);
        using var table = RegionTableRows.Of(regions, tableDirectory);
        var rows = new StoredFeatureRows(matrix);
        var models = detectors.TrainedClasses.Select(c => detectors.Models[c]!).ToArray();
        float factor = (float)detectors.Scaling.Factor, limit = Analyses.StoredFeatureChecks.MagnitudeLimit(matrix.Cols);
        var scores = new double[regions.Images][];
        Parallel.For(0, regions.Images, image =>
        {
            var scaled = new float[matrix.Cols];
            var list = new List<double>();
            for (int r = regions.FirstItem(image); r < regions.FirstItem(image + 1); r++)
            {
                if (table.IsGroundTruth(r)) continue;
                Analyses.StoredFeatureChecks.CheckRow(rows.Row(r), limit, rows.Ids, r, store);
                System.Numerics.Tensors.TensorPrimitives.Multiply(rows.Row(r), factor, scaled);
                foreach (var m in models) list.Add(m.Decision(scaled));
            }
            scores[image] = list.ToArray();
        });
        return scores;
    }
}
