using System.Diagnostics;
using LayerProbe.Data;
using LayerProbe.Features;
using LayerProbe.Networks;
using Microsoft.ML.OnnxRuntime;

namespace LayerProbe.Bench;

/// <summary>
/// Multi-layer extraction into feature stores (ORT with extra outputs + preprocessing + store writes) against a plain
/// ORT session of the unmodified model producing only its final output: same process, batch, inputs and threads.
/// Target: extraction ≥ 0.9× the plain forward rate.
/// <c>layerprobe-bench extraction [--model M] [--layers a,b] [--size S] [--batch 16] [--images 160] [--rounds 3] [--out DIR]
/// [--helper-nice 10] [--spin] [--commit-seconds 1] [--device cpu|cuda[:N]] [--check-against cpu] [--compare-io-binding]</c>
/// With <c>--compare-io-binding</c> every round also extracts with <see cref="ExtractionOptions.BindIo"/> off (the
/// per-call <c>Run</c> of earlier versions), alternating which goes first, and prints the median ratio bound/unbound.
/// With <c>--check-against D</c> the last round's stores are compared with an extraction of the same images on D
/// (<see cref="DeviceAgreement"/>, ≤ 1e-3 relative); <c>scripts/gpu-check.sh</c> runs it with <c>--device cuda</c>.
/// </summary>
sealed class ExtractionBench : IBenchmark
{
    const double Target = 0.9;
    static bool Spin;
    static TimeSpan CommitInterval;
    static int HelperNice;
    static ExecutionDevice Device;
    static bool BindIo = true;

    public string Name => "extraction";
    public string Description => "all-layer extraction incl. store writes vs plain ORT final output (target >= 0.9x)";

    public int Run(string[] args)
    {
        string model = Arg(args, "--model") ?? ModelCatalog.ResNet18ImageNet;
        string layersArg = Arg(args, "--layers") ?? "stem-relu,pool1,res2b,res3b,res4b,res5c,pool5";
        int batch = int.Parse(Arg(args, "--batch") ?? "16");
        int count = int.Parse(Arg(args, "--images") ?? "160");
        string outDir = Arg(args, "--out") ?? Path.Combine(Path.GetTempPath(), $"layerprobe-bench-{Environment.ProcessId}");
        var layers = layersArg.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        ExecutionDevice? reference;
        try
        {
            Device = ExecutionDevice.Parse(Arg(args, "--device") ?? "cpu").EnsureAvailable();
            reference = Arg(args, "--check-against") is { } r ? ExecutionDevice.Parse(r, "--check-against").EnsureAvailable() : null;
        }
        catch (LayerProbeException e)
        {
            Console.Error.WriteLine($"layerprobe-bench: {e.Message}");
            return 2;
        }

        var network = OnnxNetwork.Load(model);
        var preprocessor = Preprocessing.For(network, Arg(args, "--size") is { } size ? int.Parse(size) : null);
        var (h, w) = (preprocessor.Height, preprocessor.Width);
        var items = new SyntheticImages(count, h, w);
        double flops = ModelFlops.PerImage(network);
        Console.WriteLine($"model {network.Path}  input {h}x{w}  {flops / 1e9:F3} GFLOP/img  batch {batch}  images {count}  threads {Environment.ProcessorCount}");
        Console.WriteLine($"layers {string.Join(",", layers)}  preprocessing {preprocessor.Description}  device {Device} ({(ExecutionDevice.GpuBuild ? "GPU" : "CPU")} build)");

        Spin = args.Contains("--spin");
        HelperNice = int.Parse(Arg(args, "--helper-nice") ?? new ExtractionOptions().HelperNice.ToString());
        CommitInterval = TimeSpan.FromSeconds(double.Parse(Arg(args, "--commit-seconds") ?? "1", System.Globalization.CultureInfo.InvariantCulture));
        int rounds = int.Parse(Arg(args, "--rounds") ?? "3");
        Console.WriteLine($"extraction helper threads at nice +{HelperNice}, ORT spinning {(Spin ? "on" : "off")}, commits every {CommitInterval.TotalSeconds:G} s");
        using var plainRunner = new PlainForward(network, items, preprocessor, batch);
        var values = layers.Select(network.ResolveLayer).Distinct().ToArray();
        using var quietRunner = new PlainForward(network, items, preprocessor, batch, spin: false);
        using var outputsRunner = new PlainForward(network, items, preprocessor, batch, network.WithOutputs(values), values, spin: false);
        var plain = new List<double>();
        var withOutputs = new List<double>();
        var steady = new List<double>();
        var cpuPlain = new List<double>();
        var cpuOutputs = new List<double>();
        var cpuExtraction = new List<double>();
        bool compareBinding = args.Contains("--compare-io-binding");
        var unbound = new List<double>();
        var cpuUnbound = new List<double>();
        double endToEnd = 0, bytes = 0, plainRss = 0;
        bool agree = true;
        void MeasureUnbound(int round)
        {
            BindIo = false;
            try
            {
                var (u, _, _, uc) = Extraction(network, items, preprocessor, layers, batch, Path.Combine(outDir, $"round{round}-unbound"));
                unbound.Add(u);
                cpuUnbound.Add(uc);
                Console.WriteLine($"    per-call Run (no I/O binding): {u:F1} img/s, CPU {uc:F1} ms/img");
            }
            finally { BindIo = true; }
        }
        try
        {
            // Alternate the variants so that load from other processes on the shared cores hits all alike.
            for (int round = 0; round < rounds; round++)
            {
                plain.Add(plainRunner.Measure().ImagesPerSecond);
                cpuPlain.Add(quietRunner.Measure().CpuMsPerImage);
                var (o, oCpu) = outputsRunner.Measure();
                withOutputs.Add(o);
                cpuOutputs.Add(oCpu);
                plainRss = Math.Max(plainRss, ResourceUsage.PeakRssMegabytes());
                if (compareBinding && round % 2 == 1) MeasureUnbound(round);
                var (s, e, b, c) = Extraction(network, items, preprocessor, layers, batch, Path.Combine(outDir, $"round{round}"));
                if (compareBinding && round % 2 == 0) MeasureUnbound(round);
                steady.Add(s);
                cpuExtraction.Add(c);
                endToEnd = Math.Max(endToEnd, e);
                bytes = b;
                Console.WriteLine($"  round {round + 1}: plain {plain[^1]:F1} img/s, ORT with layer outputs (no stores) {o:F1}, extraction {s:F1} img/s (wall ratio {s / plain[^1]:F3});" +
                                  $" CPU ms/img plain {cpuPlain[^1]:F1}, outputs {oCpu:F1}, extraction {c:F1}; page faults/img plain {plainRunner.FaultsPerImage:F0}, outputs {outputsRunner.FaultsPerImage:F0}  [load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}]");
            }
            if (reference is { } against)
            {
                Console.WriteLine($"features on {Device} against {against} (last round, {count} images):");
                agree = DeviceAgreement.Check(network, items, preprocessor, layers, batch,
                    Path.Combine(outDir, $"round{rounds - 1}", "run"), Device, Path.Combine(outDir, $"reference-{against}".Replace(':', '-')), against);
            }
        }
        finally
        {
            if (Arg(args, "--out") is null && Directory.Exists(outDir)) Directory.Delete(outDir, recursive: true);
        }
        double plainBest = plain.Max(), steadyBest = steady.Max();
        Console.WriteLine($"plain ORT (final output only): best {plainBest,7:F1} img/s  median {Median(plain),7:F1}  {plainBest * flops / 1e9,6:F1} GFLOP/s  CPU {Median(cpuPlain):F1} ms/img");
        Console.WriteLine($"ORT with the layers as outputs, no stores: best {withOutputs.Max(),7:F1} img/s  median {Median(withOutputs),7:F1}  CPU {Median(cpuOutputs):F1} ms/img");
        Console.WriteLine($"extraction ({layers.Length} layers -> stores): best {steadyBest,7:F1} img/s  median {Median(steady),7:F1}  {steadyBest * flops / 1e9,6:F1} GFLOP/s  CPU {Median(cpuExtraction):F1} ms/img" +
                          $"  (end to end incl. session setup {endToEnd:F1} img/s; {bytes / 1e6 / count:F2} MB stored per image)");
        Console.WriteLine($"peak RSS (VmHWM): {ResourceUsage.PeakRssMegabytes():F0} MB (after plain runs only: {plainRss:F0} MB)");
        double ratio = steadyBest / plainBest, medianRatio = Median(steady.Zip(plain, (e, p) => e / p).ToList());
        double cpuRatio = Median(cpuPlain) / Median(cpuExtraction);
        bool ok = ratio >= Target;
        Console.WriteLine($"ratio extraction/plain: wall best/best {ratio:F3}, wall median of rounds {medianRatio:F3}, CPU-time {cpuRatio:F3}  target >= {Target:F2}  {(ok ? "MET" : "NOT MET")} (on wall best/best)");
        if (compareBinding)
        {
            var ratios = steady.Zip(unbound, (bound, plainRun) => bound / plainRun).ToList();
            Console.WriteLine($"I/O binding: extraction {Median(steady):F1} img/s bound vs {Median(unbound):F1} img/s per-call Run (median of rounds);" +
                              $" ratio bound/unbound median {Median(ratios):F3} (rounds {string.Join(" ", ratios.Select(r => r.ToString("F3")))}), CPU ms/img {Median(cpuExtraction):F1} vs {Median(cpuUnbound):F1}  (target >= 1, not slower)");
        }
        if (!agree) Console.WriteLine($"features on {Device} differ from the reference by more than {DeviceAgreement.Tolerance:E0} (relative): NOT EQUAL");
        return ok && agree ? 0 : 1;
    }

    internal static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    /// <summary>Plain session of the unmodified model (batch made symbolic), pre-created input/output OrtValues, inputs preprocessed up front.</summary>
    sealed class PlainForward : IDisposable
    {
        readonly SessionOptions _options;
        readonly InferenceSession _session;
        readonly RunOptions _runOptions = new();
        readonly float[][] _inputs;
        readonly float[][] _outputs;
        readonly long[] _inputShape;
        readonly long[][] _outputShapes;
        readonly string _inputName;
        readonly string[] _outputNames;

        /// <summary>A session over <paramref name="modelBytes"/> (null: the unmodified model) producing <paramref name="outputs"/> (null: its own output).</summary>
        public PlainForward(OnnxNetwork network, SyntheticImages items, IPreprocessor preprocessor, int batch,
            byte[]? modelBytes = null, string[]? outputs = null, bool spin = true)
        {
            int itemLength = 3 * preprocessor.Height * preprocessor.Width;
            int batches = (items.Count + batch - 1) / batch;
            _inputs = Enumerable.Range(0, batches).Select(b =>
            {
                var data = new float[batch * itemLength];
                for (int j = 0; j < batch; j++)
                {
                    var (image, region) = items.Load((b * batch + j) % items.Count);
                    preprocessor.Fill(image, region, data.AsSpan(j * itemLength, itemLength));
                }
                return data;
            }).ToArray();
            _options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL, IntraOpNumThreads = Environment.ProcessorCount };
            if (!spin) _options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
            Device.AppendTo(_options);
            _session = new InferenceSession(InputAdaptation.FreeBatch(modelBytes ?? File.ReadAllBytes(network.Path)), _options);
            _inputName = network.InputName;
            _outputNames = outputs ?? [_session.OutputNames[0]];
            _inputShape = [batch, 3, preprocessor.Height, preprocessor.Width];
            using (var x = OrtValue.CreateTensorValueFromMemory(_inputs[0], _inputShape))
            using (var probe = _session.Run(_runOptions, [_inputName], [x], _outputNames))
                _outputShapes = probe.Select(p => p.GetTensorTypeAndShape().Shape).ToArray();
            _outputs = _outputShapes.Select(shape => new float[shape.Aggregate(1L, (a, b) => a * b)]).ToArray();
        }

        void Forward(float[] input)
        {
            using var x = OrtValue.CreateTensorValueFromMemory(input, _inputShape);
            var ys = _outputs.Select((o, i) => OrtValue.CreateTensorValueFromMemory(o, _outputShapes[i])).ToArray();
            try { _session.Run(_runOptions, [_inputName], [x], _outputNames, ys); }
            finally { foreach (var y in ys) y.Dispose(); }
        }

        /// <summary>Minor page faults per image in the last <see cref="Measure"/>.</summary>
        public double FaultsPerImage { get; private set; }

        /// <summary>Two warm-up batches, then every batch once: images per (wall) second and process CPU ms per image.</summary>
        public (double ImagesPerSecond, double CpuMsPerImage) Measure()
        {
            Forward(_inputs[0]);
            Forward(_inputs[^1]);
            var cpu = CpuTime();
            long faults = ResourceUsage.MinorPageFaults();
            var clock = Stopwatch.StartNew();
            foreach (var input in _inputs) Forward(input);
            double images = _inputs.Length * _inputShape[0];
            FaultsPerImage = (ResourceUsage.MinorPageFaults() - faults) / images;
            return (images / clock.Elapsed.TotalSeconds, (CpuTime() - cpu).TotalMilliseconds / images);
        }

        public void Dispose()
        {
            _runOptions.Dispose();
            _session.Dispose();
            _options.Dispose();
        }
    }

    /// <summary>
    /// A warm-up extraction of a few images, then the full one into a fresh directory. Steady rate: from the first
    /// stored batch to the last (session creation excluded); end-to-end rate includes it.
    /// </summary>
    static (double Steady, double EndToEnd, long Bytes, double CpuMsPerImage) Extraction(OnnxNetwork network, SyntheticImages items,
        IPreprocessor preprocessor, string[] layers, int batch, string outDir)
    {
        var options = new ExtractionOptions { BatchSize = batch, AllowSpinning = Spin, CommitInterval = CommitInterval, HelperNice = HelperNice, Device = Device, BindIo = BindIo };
        FeatureExtractor.Run(network, new SyntheticImages(2 * batch, preprocessor.Height, preprocessor.Width, seed: 1), preprocessor, layers,
            Path.Combine(outDir, "warmup"), options);
        var firstBatch = TimeSpan.Zero;
        int firstDone = 0;
        var last = TimeSpan.Zero;
        TimeSpan firstCpu = TimeSpan.Zero, lastCpu = TimeSpan.Zero;
        long firstFaults = 0, lastFaults = 0;
        var progress = new InlineProgress(p =>
        {
            if (firstDone == 0) { firstDone = p.Done; firstBatch = p.Elapsed; firstCpu = CpuTime(); firstFaults = ResourceUsage.MinorPageFaults(); }
            last = p.Elapsed;
            lastCpu = CpuTime();
            lastFaults = ResourceUsage.MinorPageFaults();
        });
        var clock = Stopwatch.StartNew();
        var result = FeatureExtractor.Run(network, items, preprocessor, layers, Path.Combine(outDir, "run"), options, progress);
        double endToEnd = items.Count / clock.Elapsed.TotalSeconds;
        double steady = (items.Count - firstDone) / (last - firstBatch).TotalSeconds;
        var t = result.Timing;
        Console.WriteLine($"    extraction inference thread: in ORT {t.Inferring.TotalSeconds:F2} s, waiting for input {t.WaitingForInput.TotalSeconds:F2} s, waiting for store writes {t.WaitingForStore.TotalSeconds:F2} s;" +
                          $" minor page faults after the first batch {(lastFaults - firstFaults) / (double)(items.Count - firstDone):F0} per image");
        long bytes = result.Stores.Sum(s => new FileInfo(Path.Combine(s.Directory, FeatureStoreFiles.Matrix)).Length);
        return (steady, endToEnd, bytes, (lastCpu - firstCpu).TotalMilliseconds / (items.Count - firstDone));
    }

    sealed class InlineProgress(Action<ExtractionProgress> report) : IProgress<ExtractionProgress>
    {
        public void Report(ExtractionProgress value) => report(value);
    }

    internal static TimeSpan CpuTime()
    {
        using var self = Process.GetCurrentProcess();
        return self.TotalProcessorTime;
    }

    static string? Arg(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
