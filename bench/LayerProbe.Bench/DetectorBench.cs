using System.Diagnostics;
using System.Globalization;
using LayerProbe.Detection;
using LayerProbe.Features;
using LayerProbe.Probes;
using LayerProbe.Regions;

namespace LayerProbe.Bench;

/// <summary>
/// Detector training with R-CNN's hard-negative mining (<see cref="HardNegativeMining"/>, R-CNN's settings as they are)
/// on a synthetic pool5-like region set written to disk and read through the memory map: our warm-started dual CD
/// (all due classes per pass over the cached rows) against the same schedule driving <c>liblinear-train -s 3</c>
/// (<see cref="LiblinearCacheSolver"/>: cache written to a file, one process per class and retrain) in the same run.
/// Both runs share the feature scaling and the scoring of new rows; the ratio is of whole training time, and of the
/// solver part alone. Agreement: per-class AP of both detector sets on held-out synthetic images (+1 GT and ≥ 0.5
/// overlap, −1 below 0.3). Target: ≥ 4× faster at |ΔAP| ≤ 0.3 points.
/// Arguments: <c>--rows 200000</c> (regions, rounded to whole images), <c>--dims 9216</c>, <c>--classes 20</c>,
/// <c>--proposals 2000</c> (per image), <c>--dir PATH</c> (where the temporary store goes; default the temp folder),
/// <c>--cold</c> (also time our solver without warm start), <c>--no-liblinear</c>.
/// </summary>
public sealed class DetectorBench : IBenchmark
{
    const double TargetSpeedup = 4, TargetDeltaAp = 0.3;

    public string Name => "detectors";
    public string Description => "R-CNN detector training with hard-negative mining on 200k×9216 stored regions, 20 classes: warm-started dual CD vs liblinear-train per retrain (target ≥ 4×, |ΔAP| ≤ 0.3)";

    public int Run(string[] args)
    {
        var inv = CultureInfo.InvariantCulture;
        int rows = int.Parse(Arg(args, "--rows", "200000"), inv), dims = int.Parse(Arg(args, "--dims", "9216"), inv);
        int classes = int.Parse(Arg(args, "--classes", "20"), inv), proposals = int.Parse(Arg(args, "--proposals", "2000"), inv);
        string? trainer = args.Contains("--no-liblinear") ? null : LiblinearFiles.FindTrainer();
        if (trainer is null && !args.Contains("--no-liblinear")) { Console.WriteLine("detectors: liblinear-train not found (apt-get install liblinear-tools); cannot compare"); return 2; }
        string root = Directory.CreateDirectory(Path.Combine(Arg(args, "--dir", Path.GetTempPath()), $"lp-detector-bench-{Guid.NewGuid():N}")).FullName;
        try
        {
            var synthetic = new SyntheticRegionStore(classes, dims, proposals);
            int images = Math.Max(2, (int)Math.Round(rows / (proposals + 2.0)));
            var clock = Stopwatch.StartNew();
            var starts = synthetic.Write(root, images, seed: 2014, done => { if (done % 10 == 0) Console.Error.WriteLine($"writing regions: {done}/{images} images"); });
            long bytes = new FileInfo(Path.Combine(root, "features.lpfm")).Length;
            Console.WriteLine(string.Create(inv, $"== {starts[^1]:N0} regions ({images} images × ~{proposals + 2}) × {dims} dims, {classes} classes, {Environment.ProcessorCount} cores; store {bytes / 1e9:F2} GB written in {clock.Elapsed.TotalSeconds:F0} s (not counted) =="));
            using var matrix = FeatureMatrix.OpenFile(Path.Combine(root, "features.lpfm"));
            using var table = new RegionTableRows(Path.Combine(root, "regions.lpfm"), classes);
            var features = new StoredFeatureRows(matrix);
            var names = Enumerable.Range(0, classes).Select(c => $"c{c}").ToArray();
            var input = new DetectorTrainingInput(features, matrix.Path, table, Path.Combine(root, "regions.lpfm"), starts, names, "pool5");
            var settings = DetectorTrainingSettings.Rcnn;
            Console.WriteLine($"settings: {settings}");
            var heldOut = new SyntheticRegionStore(classes, dims, proposals: 200).InMemory(images: 30, seed: 2015); // same class prototypes, fewer rows in RAM

            var ours = Measure(input, settings, new TimedSolver(new WarmStartedDualSolver()), "ours (warm-started dual CD)");
            var ap = HeldOutAp(ours.Training.Detectors, heldOut, classes, dims);
            Console.WriteLine(string.Create(inv, $"held-out AP of ours: mean {ap.Where(double.IsFinite).Average():F2} over {ap.Count(double.IsFinite)} classes"));
            Console.WriteLine($"memory: {MemoryLine()}");
            if (args.Contains("--cold")) Measure(input, settings, new TimedSolver(new WarmStartedDualSolver(warmStart: false)), "ours, cold starts");
            if (trainer is null) return 0;

            var liblinear = new LiblinearCacheSolver(trainer, root);
            var reference = Measure(input, settings, new TimedSolver(liblinear), "liblinear-train per retrain");
            Console.WriteLine(string.Create(inv, $"   liblinear: {liblinear.WriteSeconds:F1} s writing {liblinear.BytesWritten / 1e9:F2} GB of problem files, {liblinear.TrainSeconds:F1} s in liblinear-train"));
            var apRef = HeldOutAp(reference.Training.Detectors, heldOut, classes, dims);
            double maxDelta = ap.Zip(apRef, (a, b) => Math.Abs(a - b)).Where(double.IsFinite).DefaultIfEmpty(0).Max();
            double speedup = reference.Seconds / ours.Seconds, solverSpeedup = reference.SolverSeconds / ours.SolverSeconds;
            bool sameSchedule = ours.Training.Retrains.Select(r => (r.Image, r.Class)).SequenceEqual(reference.Training.Retrains.Select(r => (r.Image, r.Class)));
            Console.WriteLine(string.Create(inv, $"held-out AP ({ap.Count(double.IsFinite)} classes with positives): ours mean {ap.Where(double.IsFinite).Average():F2}, liblinear {apRef.Where(double.IsFinite).Average():F2}; max |ΔAP| {maxDelta:F2} points (target ≤ {TargetDeltaAp}); retrain points {(sameSchedule ? "identical" : "differ (the solvers stop at different points within eps, which moves scores near the thresholds)")}"));
            Console.WriteLine(string.Create(inv, $"speed-up: whole training {speedup:F1}× (target ≥ {TargetSpeedup}×), solver part {solverSpeedup:F1}×"));
            return speedup >= TargetSpeedup && maxDelta <= TargetDeltaAp ? 0 : 1;
        }
        finally
        {
            Directory.Delete(root, true);
        }
    }

    sealed record Measurement(DetectorTraining Training, double Seconds, double SolverSeconds);

    static Measurement Measure(DetectorTrainingInput input, DetectorTrainingSettings settings, TimedSolver solver, string label)
    {
        var clock = Stopwatch.StartNew();
        var training = HardNegativeMining.Train(input, settings, solver, log: TextWriter.Null);
        double seconds = clock.Elapsed.TotalSeconds;
        var finals = training.Caches.Where(c => c is not null).Select(c => c!.Negatives.Count).ToArray();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{label}: {seconds:F1} s, of which solver {solver.Seconds:F1} s; {training.Retrains.Count} class retrains at {training.Retrains.Select(r => r.Image).Distinct().Count()} images; final caches {finals.Min():N0}–{finals.Max():N0} negatives"));
        return new Measurement(training, seconds, solver.Seconds);
    }

    static double[] HeldOutAp(DetectorSet detectors, (float[] Features, float[] Table, int Rows) heldOut, int classes, int dims)
    {
        var rows = detectors.Scaling.Apply(new DenseFeatureRows(heldOut.Features, heldOut.Rows, dims));
        int cols = RegionRows.Columns(classes);
        var ap = new double[classes];
        for (int c = 0; c < classes; c++)
        {
            var y = new sbyte[heldOut.Rows];
            for (int r = 0; r < heldOut.Rows; r++)
            {
                var t = heldOut.Table.AsSpan(r * cols, cols);
                float o = t[RegionTable.OverlapColumn + c];
                y[r] = (sbyte)((t[RegionTable.GtColumn] != 0 && (int)t[RegionTable.ClassColumn] == c) || o >= 0.5f ? 1 : o < 0.3f ? -1 : 0);
            }
            ap[c] = detectors.Models[c] is { } m && y.Contains((sbyte)1) ? 100 * VocAp.Classification(m.Decisions(rows), y).ElevenPoint : double.NaN;
        }
        return ap;
    }

    /// <summary>Times the solver calls of a training run.</summary>
    sealed class TimedSolver(IDetectorSolver inner) : IDetectorSolver
    {
        public double Seconds { get; private set; }
        public string Name => inner.Name;
        public (LinearModel Model, int Passes)[] Train(IFeatureRows scaledRows, IReadOnlyList<ClassCache> due, SvmSettings settings)
        {
            var clock = Stopwatch.StartNew();
            var result = inner.Train(scaledRows, due, settings);
            Seconds += clock.Elapsed.TotalSeconds;
            return result;
        }
    }

    /// <summary>Resident memory split into anonymous (the process's own) and file-backed (the mapped store's pages, reclaimable cache).</summary>
    static string MemoryLine()
    {
        var status = File.ReadAllLines("/proc/self/status").Where(l => l.StartsWith("VmHWM", StringComparison.Ordinal) || l.StartsWith("RssAnon", StringComparison.Ordinal) || l.StartsWith("RssFile", StringComparison.Ordinal));
        return string.Join(", ", status.Select(l => System.Text.RegularExpressions.Regex.Replace(l, @"\s+", " ")));
    }

    static string Arg(string[] args, string name, string fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }
}
