using System.Diagnostics;
using Google.Protobuf;
using LayerProbe.Data;
using LayerProbe.Features;
using LayerProbe.Networks;
using LayerProbe.Regions;
using Microsoft.ML.OnnxRuntime;

namespace LayerProbe.Bench;

/// <summary>
/// Region extraction (R-CNN items: decode each photo once, warp every region with 16 px of context, ORT, pool5 store)
/// against plain ORT on pre-warped batches of the same regions, in the same process with the same session settings —
/// target ≥ 0.9×. The two alternate in every round (ABBA order), the verdict is the median of the per-round ratios
/// (the machine is shared: single rounds swing), and where the time goes is printed: decode + warp CPU per region on
/// one thread, ORT time per region inside the pipeline against plain ORT's, and the inference thread's waits for
/// input and for the store. Then fc6 and fc7 on demand from the stored pool5 rows (rows/s).
/// <c>layerprobe-bench regions [--model M (default: full CaffeNet, random weights)] [--images 10] [--regions 100] [--batch 16] [--rounds 5] [--plain-batches 20]</c>
/// (peak RSS over many regions: <see cref="RegionRssBench"/>).
/// </summary>
sealed class RegionBench : IBenchmark
{
    const double Target = 0.9;

    public string Name => "regions";
    public string Description => "region pool5 extraction (decode+warp+ORT+store) vs plain ORT on pre-warped batches, interleaved rounds, median ratio (target >= 0.9x); fc6/fc7 from pool5";

    public int Run(string[] args)
    {
        int images = RegionDevkit.Int(args, "--images", 10), perImage = RegionDevkit.Int(args, "--regions", 100);
        int batch = RegionDevkit.Int(args, "--batch", 16), rounds = RegionDevkit.Int(args, "--rounds", 5);
        int plainBatches = RegionDevkit.Int(args, "--plain-batches", 20);
        string work = Path.Combine(Path.GetTempPath(), $"layerprobe-region-bench-{Environment.ProcessId}");
        try
        {
            Directory.CreateDirectory(work);
            string model = RegionDevkit.Model(args, work);
            var network = OnnxNetwork.Load(model);
            var options = new ExtractionOptions { BatchSize = batch };
            Console.WriteLine($"model {network.Path}  batch {batch}  threads {Environment.ProcessorCount}  [machine shared with other jobs: load {RegionDevkit.Load()}]");
            string spec = RegionDevkit.Create(Path.Combine(work, "devkit"), images, perImage);

            using var plain = new PlainRegions(network, spec, batch, plainBatches);
            Profile(network, spec, plain.PerRegion);
            var ratios = new List<double>();
            var plainRates = new List<double>();
            var rates = new List<double>();
            var cpuRatios = new List<double>();
            string pool5 = "";
            for (int round = 0; round < rounds; round++)
            {
                // ABBA: plain first in even rounds, extraction first in odd ones, so a drift in load hits both alike.
                (double Rate, double CpuMs) p = default;
                if (round % 2 == 0) p = plain.Measure();
                var run = Extract(network, spec, options, Path.Combine(work, $"out-{round}"));
                if (round % 2 == 1) p = plain.Measure();
                plainRates.Add(p.Rate);
                rates.Add(run.Rate);
                ratios.Add(run.Rate / p.Rate);
                cpuRatios.Add(p.CpuMs / run.CpuMs);
                pool5 = run.Store;
                var t = run.Timing;
                Console.WriteLine($"  round {round + 1}: plain ORT {p.Rate:F1} regions/s, extraction {run.Rate:F1} regions/s, ratio {ratios[^1]:F3} (CPU ms/region plain {p.CpuMs:F1}, extraction {run.CpuMs:F1});" +
                                  $" in ORT {1000 * t.Inferring.TotalSeconds / run.Regions:F1} ms/region, waiting for input {t.WaitingForInput.TotalSeconds:F2} s, for the store {t.WaitingForStore.TotalSeconds:F2} s [load {RegionDevkit.Load()}]");
            }
            double median = ExtractionBench.Median(ratios), best = rates.Max() / plainRates.Max();
            bool ok = median >= Target;
            Console.WriteLine($"region pool5 extraction ({images} images x {perImage} proposals + GT, {rounds} interleaved rounds): median {ExtractionBench.Median(rates):F1} regions/s; plain ORT median {ExtractionBench.Median(plainRates):F1} regions/s");
            Console.WriteLine($"ratio extraction/plain: median of rounds {median:F3} (rounds {string.Join(" ", ratios.Select(r => r.ToString("F3")))}), best/best {best:F3}, CPU-time median {ExtractionBench.Median(cpuRatios):F3}  target >= {Target:F2}  {(ok ? "MET" : "NOT MET")} (on the median)");
            long poolBytes = new FileInfo(Path.Combine(pool5, FeatureStoreFiles.Matrix)).Length;
            Console.WriteLine($"pool5 store: {poolBytes / 1e6:F1} MB for {images} images = {poolBytes / 1e9 / images * 1000:F1} GB per 1,000 images at this region count");

            foreach (var layer in new[] { "fc6", "fc7" })
            {
                var clock = Stopwatch.StartNew();
                var store = HeadFeatures.Run(network, pool5, layer, Path.Combine(work, "head"), new ExtractionOptions { BatchSize = 256 });
                using var m = FeatureMatrix.Open(store.Directory);
                Console.WriteLine($"{layer} on demand from pool5: {m.RowCount / clock.Elapsed.TotalSeconds:F0} rows/s ({m.RowCount} rows, batch 256)");
            }
            return ok ? 0 : 1;
        }
        finally
        {
            if (Directory.Exists(work)) Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>
    /// Where a region's time goes outside ORT, on one thread: decoding (once per image: consecutive regions of an
    /// image share one decode) and the R-CNN warp, against plain ORT's CPU time per region.
    /// </summary>
    static void Profile(OnnxNetwork network, string spec, double plainCpuMsPerRegion)
    {
        var (items, preprocessor) = ItemSetSources.Create(spec, network);
        using var owned = (IDisposable)items;
        var input = new float[preprocessor.Channels * preprocessor.Height * preprocessor.Width];
        int n = Math.Min(items.Count, 400);
        TimeSpan load = TimeSpan.Zero, warp = TimeSpan.Zero;
        var clock = new Stopwatch();
        for (int i = 0; i < n; i++)
        {
            clock.Restart();
            var (image, region) = items.Load(i);
            load += clock.Elapsed;
            clock.Restart();
            preprocessor.Fill(image, region, input);
            warp += clock.Elapsed;
        }
        double loadMs = load.TotalMilliseconds / n, warpMs = warp.TotalMilliseconds / n;
        Console.WriteLine($"profile, one thread, {n} regions (wall): load (decode once per image + box) {loadMs:F3} ms/region, warp {warpMs:F3} ms/region;" +
                          $" plain ORT {plainCpuMsPerRegion:F1} CPU ms/region: preprocessing is {100 * (loadMs + warpMs) / plainCpuMsPerRegion:F1} % of it");
    }

    /// <summary>Regions per second and CPU ms per region from the first stored batch to the last (session setup excluded).</summary>
    internal static (int Regions, double Rate, double CpuMs, PipelineTiming Timing, string Store) Extract(OnnxNetwork network, string spec, ExtractionOptions options, string outDir, string[]? layers = null)
    {
        var (items, preprocessor) = ItemSetSources.Create(spec, network);
        using var owned = (IDisposable)items;
        TimeSpan first = TimeSpan.Zero, last = TimeSpan.Zero, firstCpu = TimeSpan.Zero, lastCpu = TimeSpan.Zero;
        int firstDone = 0, lastDone = 0;
        var progress = new InlineProgress<ExtractionProgress>(p =>
        {
            if (firstDone == 0) { firstDone = p.Done; first = p.Elapsed; firstCpu = ExtractionBench.CpuTime(); }
            last = p.Elapsed;
            lastCpu = ExtractionBench.CpuTime();
            lastDone = p.Done;
        });
        var result = FeatureExtractor.Run(network, items, preprocessor, layers ?? ["pool5"], outDir, options, progress);
        RegionTable.WriteBeside((VocRegions)items, outDir);
        int measured = lastDone - firstDone;
        return (items.Count, measured / (last - first).TotalSeconds, (lastCpu - firstCpu).TotalMilliseconds / measured, result.Timing, result.Stores[0].Directory);
    }

    /// <summary>
    /// Plain ORT over pre-warped batches of the same regions: a session with the same graph outputs (pool5) and
    /// settings as extraction's, input and output tensors over memory allocated once.
    /// </summary>
    sealed class PlainRegions : IDisposable
    {
        readonly SessionOptions _options;
        readonly InferenceSession _session;
        readonly RunOptions _run = new();
        readonly float[][] _inputs;
        readonly float[] _output;
        readonly long[] _inputShape, _outputShape;
        readonly string _inputName, _pool5;

        public PlainRegions(OnnxNetwork network, string spec, int batch, int batches)
        {
            var (items, preprocessor) = ItemSetSources.Create(spec, network);
            using (var owned = (IDisposable)items)
            {
                int length = preprocessor.Channels * preprocessor.Height * preprocessor.Width;
                _inputs = Enumerable.Range(0, batches).Select(b =>
                {
                    var data = new float[batch * length];
                    for (int j = 0; j < batch; j++)
                    {
                        var (image, region) = items.Load((b * batch + j) % items.Count);
                        preprocessor.Fill(image, region, data.AsSpan(j * length, length));
                    }
                    return data;
                }).ToArray();
                _inputShape = [batch, preprocessor.Channels, preprocessor.Height, preprocessor.Width];
            }
            _pool5 = network.ResolveLayer("pool5");
            _inputName = network.InputName;
            var defaults = new ExtractionOptions();
            _options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL, ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
                IntraOpNumThreads = defaults.IntraOpThreads, InterOpNumThreads = 1, EnableMemoryPattern = false };
            _options.AddSessionConfigEntry("session.intra_op.allow_spinning", defaults.AllowSpinning ? "1" : "0");
            _session = new InferenceSession(InputAdaptation.FreeBatch(network.WithOutputs([_pool5])), _options);
            using (var x = OrtValue.CreateTensorValueFromMemory(_inputs[0], _inputShape))
            using (var probe = _session.Run(_run, [_inputName], [x], [_pool5]))
                _outputShape = probe[0].GetTensorTypeAndShape().Shape;
            _output = new float[_outputShape.Aggregate(1L, (a, b) => a * b)];
            PerRegion = Measure().CpuMs;
        }

        /// <summary>CPU ms per region of the first measurement (the profile's yardstick).</summary>
        public double PerRegion { get; }

        void Forward(float[] input)
        {
            using var x = OrtValue.CreateTensorValueFromMemory(input, _inputShape);
            using var y = OrtValue.CreateTensorValueFromMemory(_output, _outputShape);
            _session.Run(_run, [_inputName], [x], [_pool5], [y]);
        }

        /// <summary>One warm-up batch, then every batch once: regions per second and CPU ms per region.</summary>
        public (double Rate, double CpuMs) Measure()
        {
            Forward(_inputs[^1]);
            var cpu = ExtractionBench.CpuTime();
            var clock = Stopwatch.StartNew();
            foreach (var input in _inputs) Forward(input);
            double regions = _inputs.Length * _inputShape[0];
            return (regions / clock.Elapsed.TotalSeconds, (ExtractionBench.CpuTime() - cpu).TotalMilliseconds / regions);
        }

        public void Dispose()
        {
            _run.Dispose();
            _session.Dispose();
            _options.Dispose();
        }
    }
}
