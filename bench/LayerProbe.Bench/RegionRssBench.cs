using System.Diagnostics;
using Google.Protobuf;
using LayerProbe.Data;
using LayerProbe.Features;
using LayerProbe.Networks;
using LayerProbe.Regions;

namespace LayerProbe.Bench;

/// <summary>
/// Peak RSS of region extraction over many regions: RAM must be one batch plus write buffers, whatever the number of
/// regions (the item set holds one entry per image, boxes come from the proposals store's memory map, rows stream to
/// the store). Default: 500 images of 500×375 × 2,000 proposals (1 M regions, R-CNN's scale per 500 images) through
/// a tiny CaffeNet (<c>caffenet-tiny</c>: CaffeNet-mini's layers at 48×48 input (the warp needs more than 2 × 16 px) and 1/16 of the widths; full CaffeNet
/// would take hours here — how RSS grows with the regions is a property of the pipeline, not of the network);
/// <c>--model caffenet-mini</c> (64×64) or <c>caffenet</c> (227×227) for shorter runs with larger buffers. VmRSS and VmHWM (peak since the reset
/// before extraction) are printed at each checkpoint, then the disk per 1,000 images at 2,000 regions per image.
/// <c>layerprobe-bench regions-rss [--model caffenet-tiny|caffenet-mini|caffenet|FILE] [--images 500] [--regions 2000] [--batch 16] [--float16] [--checkpoints 10000,50000]</c>
/// </summary>
sealed class RegionRssBench : IBenchmark
{
    public string Name => "regions-rss";
    public string Description => "peak RSS (VmHWM) of region extraction over 500 images x 2,000 proposals (must not grow with the regions); disk per 1,000 images";

    public int Run(string[] args)
    {
        int images = RegionDevkit.Int(args, "--images", 500), perImage = RegionDevkit.Int(args, "--regions", 2000);
        int batch = RegionDevkit.Int(args, "--batch", 16);
        bool half = args.Contains("--float16");
        var checkpoints = (RegionDevkit.Arg(args, "--checkpoints") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToHashSet();
        string modelArg = RegionDevkit.Arg(args, "--model") ?? "caffenet-tiny";
        string work = Path.Combine(Path.GetTempPath(), $"layerprobe-region-rss-{Environment.ProcessId}");
        try
        {
            Directory.CreateDirectory(work);
            string model = modelArg switch
            {
                "caffenet" => Write(CaffeNetSpec.Full(), Path.Combine(work, "caffenet.onnx")),
                "caffenet-mini" => Write(CaffeNetSpec.Mini(), Path.Combine(work, "caffenet-mini.onnx")),
                "caffenet-tiny" => Write(CaffeNetSpec.Mini(inputSize: 48, widthDivisor: 16, fcWidth: 32), Path.Combine(work, "caffenet-tiny.onnx")),
                _ => modelArg,
            };
            var network = OnnxNetwork.Load(model);
            var clock = Stopwatch.StartNew();
            string spec = RegionDevkit.Create(Path.Combine(work, "devkit"), images, perImage, voc500x375: true);
            Console.WriteLine($"devkit: {images} images 500x375, {perImage} proposals each, made in {clock.Elapsed.TotalSeconds:F0} s");

            var (items, preprocessor) = ItemSetSources.Create(spec, network);
            using var owned = (IDisposable)items;
            var options = new ExtractionOptions { BatchSize = batch, DType = half ? FeatureDType.Float16 : FeatureDType.Float32 };
            GC.Collect();
            GC.WaitForPendingFinalizers();
            bool reset = ResourceUsage.ResetPeakRss();
            double before = RegionDevkit.RssMegabytes();
            Console.WriteLine($"{modelArg}: {items.Count:N0} regions, input {preprocessor.Height}x{preprocessor.Width}, batch {batch}, {options.DType.Name()};" +
                              $" RSS before extraction {before:F0} MB (peak {(reset ? "reset to it" : "NOT reset: includes set-up")}) [load {RegionDevkit.Load()}]");
            Console.WriteLine("| regions done | VmRSS MB | VmHWM MB (peak so far) | regions/s |");
            Console.WriteLine("|---:|---:|---:|---:|");
            int next = 1, tenth = Math.Max(1, items.Count / 10);
            var progress = new InlineProgress<ExtractionProgress>(p =>
            {
                bool checkpoint = checkpoints.Any(c => c <= p.Done && c > p.Done - batch);
                if (p.Done < next * tenth && !checkpoint && p.Done != p.Total) return;
                if (p.Done >= next * tenth) next = p.Done / tenth + 1;
                Console.WriteLine($"| {p.Done:N0} | {RegionDevkit.RssMegabytes():F0} | {ResourceUsage.PeakRssMegabytes():F0} | {p.ItemsPerSecond:F1} |");
            });
            var result = FeatureExtractor.Run(network, items, preprocessor, ["pool5"], Path.Combine(work, "out"), options, progress);
            double peak = ResourceUsage.PeakRssMegabytes();
            var store = result.Stores[0];
            long bytes = new FileInfo(Path.Combine(store.Directory, FeatureStoreFiles.Matrix)).Length + new FileInfo(Path.Combine(store.Directory, FeatureStoreFiles.Ids)).Length;
            int cols = store.Shape.Aggregate(1, (a, b) => a * b);
            Console.WriteLine($"peak RSS (VmHWM) during extraction of {items.Count:N0} regions: {peak:F0} MB ({peak - before:F0} MB above the {before:F0} MB before it); {clock.Elapsed.TotalMinutes:F1} min in all");
            double perRow = bytes / (double)items.Count;
            Console.WriteLine($"pool5 {string.Join("x", store.Shape)} = {cols} values: {perRow / 1e3:F1} KB per region stored ({options.DType.Name()}, ids included)" +
                              $" -> {perRow * 1000 * (perImage + 1) / 1e9:F1} GB per 1,000 images at {perImage} proposals + ~1 GT each" +
                              $" (CaffeNet pool5, 9,216 values: float32 {9216 * 4 * 2001e3 / 1e9:F1} GB, float16 {9216 * 2 * 2001e3 / 1e9:F1} GB + ids)");
            return 0;
        }
        finally
        {
            if (Directory.Exists(work)) Directory.Delete(work, recursive: true);
        }
    }

    static string Write(CaffeNetSpec spec, string path)
    {
        File.WriteAllBytes(path, CaffeNet.Build(spec).ToByteArray());
        return path;
    }
}
