using System.Diagnostics;
using LayerProbe.Data;

namespace LayerProbe.Bench;

/// <summary>
/// JPEG decode + R-CNN warp to 227×227 (BGR, mean subtracted) throughput, single thread and on all cores, against the
/// extraction target of 240 img/s on 2 cores (preprocessing must not be the bottleneck).
/// </summary>
public sealed class DecodeWarpBenchmark : IBenchmark
{
    const double Target = 240;
    const string DefaultFolder = "/usr/share/doc/labelme-examples/examples/bbox_detection/data_dataset_voc/JPEGImages";

    /// <inheritdoc/>
    public string Name => "decode-warp";
    /// <inheritdoc/>
    public string Description => $"JPEG decode + R-CNN warp 227x227 img/s (target {Target}/s on 2 cores); args: [jpeg folder] [images]";

    /// <inheritdoc/>
    public int Run(string[] args)
    {
        var folder = args.Length > 0 ? args[0] : DefaultFolder;
        int n = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1000;
        var files = Directory.Exists(folder) ? Directory.GetFiles(folder, "*.jpg").Order().ToArray() : [];
        if (files.Length == 0) { Console.WriteLine($"{folder}: no .jpg files (install labelme-examples or pass a folder)"); return 2; }
        var pre = new CaffePreprocessor(MeanImage.FromPixel(104, 117, 123, 227));
        var box = new PixelBox(50, 40, 300, 250);

        void Work(int i, float[] destination) => pre.Fill(ImageDecoder.Decode(files[i % files.Length]), (i & 1) == 0 ? box : null, destination);

        var single = new float[3 * 227 * 227];
        for (int i = 0; i < Math.Min(n, 300); i++) Work(i, single); // warm-up (tiered JIT)
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < n; i++) Work(i, single);
        double oneThread = n / clock.Elapsed.TotalSeconds;

        clock.Restart();
        Parallel.For(0, n, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount },
            () => new float[3 * 227 * 227], (i, _, d) => { Work(i, d); return d; }, _ => { });
        double allThreads = n / clock.Elapsed.TotalSeconds;

        var first = ImageDecoder.Decode(files[0]);
        Console.WriteLine($"decode+warp ({first.Width}x{first.Height} JPEGs, {files.Length} files, {n} images): " +
                          $"1 thread {oneThread:F0} img/s, {Environment.ProcessorCount} threads {allThreads:F0} img/s (target {Target} img/s)");
        WarpOnly(pre, files.Take(20).Select(ImageDecoder.Decode).ToArray(), box, n);
        return allThreads >= Target ? 0 : 1;
    }

    /// <summary>The warp alone on decoded images, one thread: whole images, boxes, and an image already at the crop size.</summary>
    static void WarpOnly(CaffePreprocessor pre, RgbImage[] images, PixelBox box, int n)
    {
        var destination = new float[3 * 227 * 227];
        var random = new Random(1);
        var atCropSize = new byte[3 * 227 * 227];
        random.NextBytes(atCropSize);
        var sameSize = new RgbImage(227, 227, atCropSize);
        foreach (var (name, work) in new (string, Action<int>)[]
                 {
                     ("whole image", i => pre.Fill(images[i % images.Length], null, destination)),
                     ("box 251x211 + context", i => pre.Fill(images[i % images.Length], box, destination)),
                     ("227x227 image, whole", _ => pre.Fill(sameSize, null, destination)),
                 })
        {
            for (int i = 0; i < 200; i++) work(i);
            var clock = Stopwatch.StartNew();
            for (int i = 0; i < n; i++) work(i);
            Console.WriteLine($"warp only, {name}: {clock.Elapsed.TotalMilliseconds * 1000 / n:F0} µs/img (1 thread)");
        }
    }
}
