using System.Diagnostics;
using LayerProbe.Features;
using LayerProbe.Networks;
using Microsoft.ML.OnnxRuntime;

namespace LayerProbe.Bench;

/// <summary>
/// Multi-layer extraction into feature stores (ORT with extra outputs + preprocessing + store writes) against a plain
/// ORT session of the unmodified model producing only its final output: same process, batch, inputs and threads.
/// Target: extraction ≥ 0.9× the plain forward rate.
/// <c>layerprobe-bench extraction [--model M] [--layers a,b] [--batch 16] [--images 160] [--out DIR]</c>
/// </summary>
sealed class ExtractionBench : IBenchmark
{
    const double Target = 0.9;

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

        var network = OnnxNetwork.Load(model);
        var (h, w) = network.InputSize ?? (224, 224);
        var items = new SyntheticImages(count, h, w);
        var preprocessor = new BilinearMeanStdPreprocessor(h, w);
        double flops = ModelFlops.PerImage(network);
        Console.WriteLine($"model {network.Path}  input {h}x{w}  {flops / 1e9:F3} GFLOP/img  batch {batch}  images {count}  threads {Environment.ProcessorCount}");
        Console.WriteLine($"layers {string.Join(",", layers)}");

        double plain = PlainForward(network, items, preprocessor, batch);
        Console.WriteLine($"plain ORT (final output only): {plain,8:F1} img/s  {plain * flops / 1e9,6:F1} GFLOP/s  peak RSS {PeakRssMb(),6:F0} MB");

        try
        {
            var (steady, endToEnd, bytes) = Extraction(network, items, preprocessor, layers, batch, outDir);
            Console.WriteLine($"extraction ({layers.Length} layers -> stores): {steady,8:F1} img/s  {steady * flops / 1e9,6:F1} GFLOP/s  peak RSS {PeakRssMb(),6:F0} MB" +
                              $"  (end to end incl. session setup {endToEnd:F1} img/s, {bytes / 1e6 / count:F2} MB stored per image)");
            double ratio = steady / plain;
            bool ok = ratio >= Target;
            Console.WriteLine($"ratio extraction/plain = {ratio:F3}  target >= {Target:F2}  {(ok ? "MET" : "NOT MET")}");
            return ok ? 0 : 1;
        }
        finally
        {
            if (Arg(args, "--out") is null && Directory.Exists(outDir)) Directory.Delete(outDir, recursive: true);
        }
    }

    /// <summary>Plain session, unmodified model, pre-created input/output OrtValues; 2 warm-up batches, then all.</summary>
    static double PlainForward(OnnxNetwork network, SyntheticImages items, BilinearMeanStdPreprocessor preprocessor, int batch)
    {
        int itemLength = 3 * preprocessor.Height * preprocessor.Width;
        int batches = (items.Count + batch - 1) / batch;
        var inputs = Enumerable.Range(0, batches).Select(b =>
        {
            var data = new float[batch * itemLength];
            for (int j = 0; j < batch; j++)
            {
                var (image, region) = items.Load((b * batch + j) % items.Count);
                preprocessor.Fill(image, region, data.AsSpan(j * itemLength, itemLength));
            }
            return data;
        }).ToArray();
        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL, IntraOpNumThreads = Environment.ProcessorCount };
        using var session = new InferenceSession(DynamicBatch.Free(File.ReadAllBytes(network.Path)), options);
        string output = session.OutputNames[0];
        using var runOptions = new RunOptions();
        long[] inputShape = [batch, 3, preprocessor.Height, preprocessor.Width];
        using var probe = session.Run(runOptions, [network.InputName], [OrtValue.CreateTensorValueFromMemory(inputs[0], inputShape)], [output]);
        long[] outputShape = probe[0].GetTensorTypeAndShape().Shape;
        var outputBuffer = new float[outputShape.Aggregate(1L, (a, b) => a * b)];
        void Forward(float[] input)
        {
            using var x = OrtValue.CreateTensorValueFromMemory(input, inputShape);
            using var y = OrtValue.CreateTensorValueFromMemory(outputBuffer, outputShape);
            session.Run(runOptions, [network.InputName], [x], [output], [y]);
        }
        Forward(inputs[0]);
        Forward(inputs[Math.Min(1, batches - 1)]);
        var clock = Stopwatch.StartNew();
        foreach (var input in inputs) Forward(input);
        return batches * batch / clock.Elapsed.TotalSeconds;
    }

    /// <summary>
    /// A warm-up extraction of a few images, then the full one into a fresh directory. Steady rate: from the first
    /// stored batch to the last (session creation excluded); end-to-end rate includes it.
    /// </summary>
    static (double Steady, double EndToEnd, long Bytes) Extraction(OnnxNetwork network, SyntheticImages items,
        BilinearMeanStdPreprocessor preprocessor, string[] layers, int batch, string outDir)
    {
        var options = new ExtractionOptions { BatchSize = batch };
        FeatureExtractor.Run(network, new SyntheticImages(2 * batch, preprocessor.Height, preprocessor.Width, seed: 1), preprocessor, layers,
            Path.Combine(outDir, "warmup"), options);
        var firstBatch = TimeSpan.Zero;
        int firstDone = 0;
        var last = TimeSpan.Zero;
        var progress = new InlineProgress(p =>
        {
            if (firstDone == 0) { firstDone = p.Done; firstBatch = p.Elapsed; }
            last = p.Elapsed;
        });
        var clock = Stopwatch.StartNew();
        var result = FeatureExtractor.Run(network, items, preprocessor, layers, Path.Combine(outDir, "run"), options, progress);
        double endToEnd = items.Count / clock.Elapsed.TotalSeconds;
        double steady = (items.Count - firstDone) / (last - firstBatch).TotalSeconds;
        long bytes = result.Stores.Sum(s => new FileInfo(Path.Combine(s.Directory, FeatureStoreFiles.Matrix)).Length);
        return (steady, endToEnd, bytes);
    }

    sealed class InlineProgress(Action<ExtractionProgress> report) : IProgress<ExtractionProgress>
    {
        public void Report(ExtractionProgress value) => report(value);
    }

    static double PeakRssMb()
    {
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmHWM:"));
        return line is null ? double.NaN : double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024;
    }

    static string? Arg(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
