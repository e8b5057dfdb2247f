using System.Diagnostics;
using LayerProbe.Probes;

namespace LayerProbe.Bench;

/// <summary>
/// Solver time for the 20 one-vs-rest SVMs of a task (5,000 train items, CNN-like ReLU features of 9,216 and 4,096
/// dims, features scaled to mean norm 20, R-CNN settings C = 1e-3, w1 = 2, B = 10): <see cref="BatchedNewtonSvm"/>
/// vs <c>liblinear-train -s 1</c> (same squared-hinge objective) and <c>-s 3</c> (hinge), plus our
/// <see cref="DualCoordinateDescentSvm"/>. AP agreement is measured on 2,000 held-out items.
/// Target: batched ≥ 4× faster than liblinear -s 1 at |ΔAP| ≤ 0.3 points on every class.
/// Arguments: <c>--dims 9216,4096</c>, <c>--train 5000</c>, <c>--tol 5e-4</c> (batched solver), <c>--no-dual</c> (skip our dual CD),
/// <c>--managed</c> (batched solver on the managed kernels only, no libtorch), <c>--block-rows 256,512</c> (also time the
/// libtorch products at these block sizes), <c>--torch-threads 1</c> (libtorch intra-op threads).
/// </summary>
public sealed class SolverBench : IBenchmark
{
    const double TargetSpeedup = 4, TargetDeltaAp = 0.3;
    const int Classes = 20;

    public string Name => "svm";
    public string Description => "20 one-vs-rest SVMs on 5000×{9216,4096}: batched Newton-CG vs liblinear -s 1/-s 3 (target ≥ 4× vs -s 1, |ΔAP| ≤ 0.3)";

    public int Run(string[] args)
    {
        int[] dims = Arg(args, "--dims", "9216,4096").Split(',').Select(int.Parse).ToArray();
        int train = int.Parse(Arg(args, "--train", "5000"));
        bool dual = !args.Contains("--no-dual");
        BatchedProducts.AllowTorch = !args.Contains("--managed");
        if (Arg(args, "--torch-threads", "") is { Length: > 0 } tt) TorchSharp.torch.set_num_threads(int.Parse(tt));
        int[] blockSizes = Arg(args, "--block-rows", "").Split(',', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToArray();
        var trainer = LiblinearFiles.FindTrainer();
        if (trainer is null) { Console.WriteLine("svm: liblinear-train not found (apt-get install liblinear-tools); cannot compare"); return 2; }
        string predictor = Path.Combine(Path.GetDirectoryName(trainer)!, "liblinear-predict");
        var settings = BatchedNewtonSvm.Defaults(c: double.Parse(Arg(args, "--c", "0.001"), System.Globalization.CultureInfo.InvariantCulture)) with { Tolerance = double.Parse(Arg(args, "--tol", BatchedNewtonSvm.DefaultTolerance.ToString(System.Globalization.CultureInfo.InvariantCulture)), System.Globalization.CultureInfo.InvariantCulture) };
        string weights = string.Join(' ', Enumerable.Range(1, Classes).Select(c => $"-w{c} 2"));
        string common = $"-c {settings.C} -B {settings.BiasFeature} {weights}";
        bool allMet = true;
        Warmup(settings);
        foreach (int d in dims)
        {
            Console.WriteLine($"== {train} × {d}, {Classes} classes, C = {settings.C}, w1 = 2, B = 10, 2 threads ==");
            var (xTrain, cTrain, xTest, cTest) = SyntheticReluFeatures.Make(train, 2000, d, Classes, seed: 20141);
            var trainRows = new DenseFeatureRows(xTrain, train, d);
            var scaling = FeatureScaling.Estimate(trainRows, seed: 3);
            System.Numerics.Tensors.TensorPrimitives.Multiply(xTrain, (float)scaling.Factor, xTrain);
            System.Numerics.Tensors.TensorPrimitives.Multiply(xTest, (float)scaling.Factor, xTest);
            var testRows = new DenseFeatureRows(xTest, 2000, d);
            var names = Enumerable.Range(0, Classes).Select(c => $"c{c}").ToArray();
            var labels = OneVsRestLabels.FromClassIndices(names, cTrain);
            var testLabels = OneVsRestLabels.FromClassIndices(names, cTest);
            double zeros = xTrain.Count(v => v == 0) / (double)xTrain.Length;
            Console.WriteLine($"features: {100 * zeros:F0}% zeros, scale factor {scaling.Factor:G4} (mean norm {scaling.MeanNorm:G4} → 20)");

            var sw = Stopwatch.StartNew();
            KernelRate(trainRows, blockSizes);
            sw.Restart();
            var batched = BatchedNewtonSvm.Train(trainRows, labels, settings, out var report);
            double tBatched = sw.Elapsed.TotalSeconds;
            Console.WriteLine($"batched Newton-CG (tol {settings.Tolerance}): {tBatched:F2} s  ({report.NewtonIterations} Newton iterations, {report.HessianProducts} passes, converged {report.Converged})");

            string dir = Directory.CreateTempSubdirectory("lp-svm-bench-").FullName;
            try
            {
                string prob = Path.Combine(dir, "train.txt");
                sw.Restart();
                LiblinearFiles.WriteMultiClassProblem(prob, trainRows, cTrain);
                Console.WriteLine($"liblinear problem file: {new FileInfo(prob).Length / 1e6:F0} MB written in {sw.Elapsed.TotalSeconds:F1} s (not counted)");
                double t1 = LiblinearFiles.Train(trainer, $"-s 1 {common}", prob, Path.Combine(dir, "m1"));
                double t1Tight = LiblinearFiles.Train(trainer, $"-s 1 -e 0.001 {common}", prob, Path.Combine(dir, "m1t"));
                var lib1Tight = LiblinearFiles.ReadOneVsRestModels(Path.Combine(dir, "m1t"), d, Classes);
                double tRead = LiblinearFiles.Run(predictor, $"-q {prob} {Path.Combine(dir, "m1")} /dev/null");
                double t3 = LiblinearFiles.Train(trainer, $"-s 3 {common}", prob, Path.Combine(dir, "m3"));
                var lib1 = LiblinearFiles.ReadOneVsRestModels(Path.Combine(dir, "m1"), d, Classes);
                var lib3 = LiblinearFiles.ReadOneVsRestModels(Path.Combine(dir, "m3"), d, Classes);
                Console.WriteLine($"liblinear -s 1: {t1:F2} s wall (incl. text read; liblinear-predict on the same file, ≈ read time: {tRead:F2} s → solve ≈ {t1 - tRead:F2} s)");
                Console.WriteLine($"liblinear -s 3: {t3:F2} s wall (same read ≈ {tRead:F2} s)");

                var (map, maxDelta, worst) = Compare(batched, lib1, testRows, testLabels);
                var (mapT, deltaT, worstT) = Compare(batched, lib1Tight, testRows, testLabels);
                var (_, deltaLib, worstLib) = Compare(lib1, lib1Tight, testRows, testLabels);
                Console.WriteLine($"liblinear -s 1 -e 0.001 (converged reference): {t1Tight:F2} s wall; batched vs it: mAP {mapT.Ours:F2} vs {mapT.Theirs:F2}, max |ΔAP| {deltaT:F3} (class {worstT}); liblinear default vs it: max |ΔAP| {deltaLib:F3} (class {worstLib})");
                double speed = t1 / tBatched, speedSolve = (t1 - tRead) / tBatched;
                bool met = speed >= TargetSpeedup && maxDelta <= TargetDeltaAp;
                allMet &= met;
                Console.WriteLine($"batched vs -s 1: test mAP {map.Ours:F2} vs {map.Theirs:F2}; max |ΔAP| {maxDelta:F3} (class {worst})   target ≤ {TargetDeltaAp}");
                Console.WriteLine($"speed: {speed:F1}× vs -s 1 wall, {speedSolve:F1}× vs -s 1 solve-only estimate   target ≥ {TargetSpeedup}×   {(met ? "MET" : "NOT MET")}");
                if (dual)
                {
                    sw.Restart();
                    var dcd = DualCoordinateDescentSvm.TrainOneVsRest(trainRows, labels, SvmSettings.RcnnDetection with { C = settings.C });
                    double tDual = sw.Elapsed.TotalSeconds;
                    var (map3, delta3, worst3) = Compare(dcd, lib3, testRows, testLabels);
                    Console.WriteLine($"our dual CD hinge (eps 0.1): {tDual:F2} s; vs -s 3: test mAP {map3.Ours:F2} vs {map3.Theirs:F2}, max |ΔAP| {delta3:F3} (class {worst3})");
                    foreach (double eps in Arg(args, "--dual-eps", "0.1").Split(',').Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture))) {
                    sw.Restart();
                    var dcd1 = DualCoordinateDescentSvm.TrainOneVsRest(trainRows, labels, SvmSettings.RcnnDetection with { C = settings.C, Loss = SvmLoss.SquaredHinge, Tolerance = eps }, out var passes1);
                    double tDual1 = sw.Elapsed.TotalSeconds;
                    var (map1, delta1, worst1) = Compare(dcd1, lib1, testRows, testLabels);
                    var (_, delta1T, worst1T) = Compare(dcd1, lib1Tight, testRows, testLabels);
                    Console.WriteLine($"our dual CD squared hinge (eps {eps}): {tDual1:F2} s (passes {passes1.Min()}…{passes1.Max()}) = {t1 / tDual1:F1}× vs -s 1 wall, {(t1 - tRead) / tDual1:F1}× solve; vs -s 1: test mAP {map1.Ours:F2} vs {map1.Theirs:F2}, max |ΔAP| {delta1:F3} (class {worst1}); vs converged: {delta1T:F3} (class {worst1T})"); }
                }
            }
            finally { Directory.Delete(dir, true); }
        }
        return allMet ? 0 : 1;
    }

    static ((double Ours, double Theirs) Map, double MaxDelta, int Worst) Compare(LinearModel[] ours, LinearModel[] theirs, IFeatureRows test, OneVsRestLabels labels)
    {
        double sumA = 0, sumB = 0, maxDelta = 0;
        int worst = -1;
        for (int c = 0; c < labels.Classes; c++)
        {
            double a = 100 * VocAp.Classification(ours[c].Decisions(test), labels.Of(c)).ElevenPoint;
            double b = 100 * VocAp.Classification(theirs[c].Decisions(test), labels.Of(c)).ElevenPoint;
            sumA += a; sumB += b;
            if (Math.Abs(a - b) > maxDelta) { maxDelta = Math.Abs(a - b); worst = c; }
        }
        return ((sumA / labels.Classes, sumB / labels.Classes), maxDelta, worst);
    }

    /// <summary>Prints the rate of one fused Hessian pass (X·Pᵀ then Xᵀ·U, all rows, all classes).</summary>
    static void KernelRate(IFeatureRows x, int[] blockSizes)
    {
        int n = x.Count, d = x.Dimensions;
        var rows = Enumerable.Range(0, n).ToArray();
        var p = new float[Classes * d]; var pb = new double[Classes];
        var rng = new Random(1);
        for (int j = 0; j < p.Length; j++) p[j] = (float)rng.NextDouble();
        var coef = Enumerable.Repeat(1e-3f, n * Classes).ToArray();
        var g = new float[Classes * d]; var gb = new double[Classes];
        var z = new double[n * Classes];
        double flops = 2.0 * n * d * Classes;
        bool allow = BatchedProducts.AllowTorch;
        BatchedProducts.AllowTorch = false;
        Rate("managed Vector512", () => BatchedProducts.ForwardBackward(x, rows, n, p, pb, 10, Classes, coef, g, gb),
            () => BatchedProducts.Forward(x, rows, n, p, pb, 10, Classes, z));
        BatchedProducts.AllowTorch = allow;
        if (!TorchBatchedProducts.Available) { Console.WriteLine("kernels: libtorch not available"); return; }
        foreach (int b in blockSizes.Prepend(TorchBatchedProducts.BlockRows(d)).Distinct())
            Rate($"libtorch ({TorchSharp.torch.get_num_threads()} threads, {b}-row blocks)",
                () => TorchBatchedProducts.ForwardBackward(x, rows, n, p, pb, 10, Classes, coef, g, gb, blockRows: b),
                () => TorchBatchedProducts.Forward(x, rows, n, p, pb, 10, Classes, z, b));

        void Rate(string name, Action forwardBackward, Action forward)
        {
            forwardBackward();
            var sw = Stopwatch.StartNew();
            const int reps = 3;
            for (int r = 0; r < reps; r++) forwardBackward();
            double tFb = sw.Elapsed.TotalSeconds / reps;
            sw.Restart();
            for (int r = 0; r < reps; r++) forward();
            double tF = sw.Elapsed.TotalSeconds / reps;
            Console.WriteLine($"kernels, {name}: forward X·Pᵀ {tF * 1e3:F0} ms ({flops / tF / 1e9:F0} GFLOP/s); fused forward+backward {tFb * 1e3:F0} ms ({2 * flops / tFb / 1e9:F0} GFLOP/s)");
        }
    }

    static void Warmup(SvmSettings settings)
    {
        var (x, c, _, _) = SyntheticReluFeatures.Make(200, 10, 64, 4, seed: 1);
        BatchedNewtonSvm.Train(new DenseFeatureRows(x, 200, 64), OneVsRestLabels.FromClassIndices(["a", "b", "c", "d"], c), settings);
    }

    static string Arg(string[] args, string name, string fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }
}
