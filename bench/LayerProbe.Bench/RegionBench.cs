using System.Diagnostics;
using System.Globalization;
using Google.Protobuf;
using LayerProbe.Data;
using LayerProbe.Features;
using LayerProbe.Networks;
using LayerProbe.Proposals;
using LayerProbe.Regions;
using Microsoft.ML.OnnxRuntime;

namespace LayerProbe.Bench;

/// <summary>
/// Region extraction (R-CNN items: decode each photo once, warp every region with 16 px of context, ORT, pool5 store)
/// against plain ORT on the same pre-warped batches in the same process and session settings — target ≥ 0.9× — then
/// fc6 and fc7 on demand from the stored pool5 rows (rows/s). Peak RSS is printed after a small and after a larger
/// run: it must not grow with the number of regions. The devkit is made of the labelme-examples VOC photos (cycled)
/// with seeded random proposals imported as a store.
/// <c>layerprobe-bench regions [--model M (default: full CaffeNet, random weights)] [--images 20] [--regions 200] [--batch 16] [--rounds 2]</c>
/// </summary>
sealed class RegionBench : IBenchmark
{
    const double Target = 0.9;
    const string Photos = "/usr/share/doc/labelme-examples/examples/bbox_detection/data_dataset_voc";

    public string Name => "regions";
    public string Description => "region pool5 extraction (decode+warp+ORT+store) vs plain ORT on pre-warped batches (target >= 0.9x); fc6/fc7 from pool5";

    public int Run(string[] args)
    {
        int images = int.Parse(Arg(args, "--images") ?? "20"), perImage = int.Parse(Arg(args, "--regions") ?? "200");
        int batch = int.Parse(Arg(args, "--batch") ?? "16"), rounds = int.Parse(Arg(args, "--rounds") ?? "2");
        string work = Path.Combine(Path.GetTempPath(), $"layerprobe-region-bench-{Environment.ProcessId}");
        try
        {
            string model = Arg(args, "--model") ?? Path.Combine(work, "caffenet.onnx");
            if (Arg(args, "--model") is null)
            {
                Directory.CreateDirectory(work);
                File.WriteAllBytes(model, CaffeNet.Build(CaffeNetSpec.Full()).ToByteArray());
            }
            var network = OnnxNetwork.Load(model);
            var options = new ExtractionOptions { BatchSize = batch };
            Console.WriteLine($"model {network.Path}  batch {batch}  threads {Environment.ProcessorCount}  [machine shared with other jobs: load {Load()}]");

            // A small run first: its peak RSS is the baseline the larger run must not exceed by much.
            var (small, _) = Devkit(Path.Combine(work, "small"), Math.Max(2, images / 4), Math.Max(10, perImage / 4));
            ResetPeakRss();
            var smallRun = Extract(network, small, options, Path.Combine(work, "small-out"));
            double smallRss = ResourceUsage.PeakRssMegabytes();
            Console.WriteLine($"small run: {smallRun.Regions} regions, {smallRun.Rate:F1} regions/s; peak RSS so far {smallRss:F0} MB");

            var (spec, _) = Devkit(Path.Combine(work, "large"), images, perImage);
            var rates = new List<double>();
            var plainRates = new List<double>();
            string pool5 = "";
            double largeRss = 0;
            for (int round = 0; round < rounds; round++)
            {
                plainRates.Add(Plain(network, spec, batch, Math.Min(40, images * perImage / batch)));
                ResetPeakRss(); // the plain runner's pre-warped batches and second session are not extraction's memory
                var run = Extract(network, spec, options, Path.Combine(work, $"large-out-{round}"));
                largeRss = Math.Max(largeRss, ResourceUsage.PeakRssMegabytes());
                rates.Add(run.Rate);
                pool5 = run.Store;
                Console.WriteLine($"  round {round + 1}: plain ORT {plainRates[^1]:F1} regions/s, extraction {run.Rate:F1} regions/s (ratio {run.Rate / plainRates[^1]:F3}) [load {Load()}]");
            }
            double ratio = rates.Max() / plainRates.Max();
            bool ok = ratio >= Target;
            Console.WriteLine($"region pool5 extraction ({images} images x {perImage} proposals + GT): best {rates.Max():F1} regions/s; plain ORT best {plainRates.Max():F1} regions/s");
            Console.WriteLine($"ratio extraction/plain {ratio:F3}  target >= {Target:F2}  {(ok ? "MET" : "NOT MET")}");
            Console.WriteLine($"peak RSS (VmHWM) during extraction: {largeRss:F0} MB for {images * perImage} regions vs {smallRss:F0} MB for {smallRun.Regions} regions (must not grow with the regions)");
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

    /// <summary>A devkit of <paramref name="images"/> photos (one GT object each) and a store of seeded random proposals.</summary>
    internal static (string Spec, string Root) Devkit(string directory, int images, int perImage)
    {
        string root = Path.Combine(directory, "VOC2007");
        foreach (var sub in new[] { "JPEGImages", "Annotations", Path.Combine("ImageSets", "Main") }) Directory.CreateDirectory(Path.Combine(root, sub));
        var photos = Directory.GetFiles(Path.Combine(Photos, "JPEGImages"), "*.jpg").Order().ToArray();
        var ids = Enumerable.Range(0, images).Select(i => $"{i:D6}").ToArray();
        var random = new Random(1);
        var csv = new List<string>();
        for (int i = 0; i < images; i++)
        {
            string photo = photos[i % photos.Length];
            File.Copy(photo, Path.Combine(root, "JPEGImages", ids[i] + ".jpg"));
            var size = ImageDecoder.Decode(photo);
            File.WriteAllText(Path.Combine(root, "Annotations", ids[i] + ".xml"),
                $"<annotation><size><width>{size.Width}</width><height>{size.Height}</height><depth>3</depth></size><object><name>person</name><difficult>0</difficult>" +
                $"<bndbox><xmin>50</xmin><ymin>40</ymin><xmax>{size.Width / 2}</xmax><ymax>{size.Height - 10}</ymax></bndbox></object></annotation>");
            for (int r = 0; r < perImage; r++)
            {
                int x1 = random.Next(1, size.Width - 30), y1 = random.Next(1, size.Height - 30);
                csv.Add(string.Create(CultureInfo.InvariantCulture, $"{ids[i]},{x1},{y1},{Math.Min(size.Width, x1 + random.Next(20, 300))},{Math.Min(size.Height, y1 + random.Next(20, 250))}"));
            }
        }
        File.WriteAllLines(Path.Combine(root, "ImageSets", "Main", "test.txt"), ids);
        File.WriteAllLines(Path.Combine(directory, "proposals.csv"), csv);
        string store = ProposalImport.Import(ImageFileSet.FromSpec($"voc2007:{root}:test"), Path.Combine(directory, "proposals.csv"), Path.Combine(directory, "proposals")).Directory;
        return ($"voc2007:{root}:test:proposals:{store}", root);
    }

    /// <summary>Regions per second from the first stored batch to the last (session setup excluded), and the first layer's store.</summary>
    internal static (int Regions, double Rate, string Store) Extract(OnnxNetwork network, string spec, ExtractionOptions options, string outDir, string[]? layers = null)
    {
        var (items, preprocessor) = ItemSetSources.Create(spec, network);
        using var owned = (IDisposable)items;
        TimeSpan first = TimeSpan.Zero, last = TimeSpan.Zero;
        int firstDone = 0, lastDone = 0;
        var progress = new InlineProgress<ExtractionProgress>(p =>
        {
            if (firstDone == 0) { firstDone = p.Done; first = p.Elapsed; }
            last = p.Elapsed;
            lastDone = p.Done;
        });
        var result = FeatureExtractor.Run(network, items, preprocessor, layers ?? ["pool5"], outDir, options, progress);
        RegionTable.WriteBeside((VocRegions)items, outDir);
        return (items.Count, (lastDone - firstDone) / (last - first).TotalSeconds, result.Stores[0].Directory);
    }

    /// <summary>Plain ORT (same graph outputs and session settings as extraction) over <paramref name="batches"/> pre-warped region batches.</summary>
    static double Plain(OnnxNetwork network, string spec, int batch, int batches)
    {
        var (items, preprocessor) = ItemSetSources.Create(spec, network);
        using var owned = (IDisposable)items;
        int length = preprocessor.Channels * preprocessor.Height * preprocessor.Width;
        var inputs = Enumerable.Range(0, batches).Select(b =>
        {
            var data = new float[batch * length];
            for (int j = 0; j < batch; j++)
            {
                var (image, region) = items.Load((b * batch + j) % items.Count);
                preprocessor.Fill(image, region, data.AsSpan(j * length, length));
            }
            return data;
        }).ToArray();
        string pool5 = network.ResolveLayer("pool5");
        using var sessionOptions = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL, IntraOpNumThreads = Environment.ProcessorCount, InterOpNumThreads = 1, EnableMemoryPattern = false };
        sessionOptions.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        using var session = new InferenceSession(InputAdaptation.FreeBatch(network.WithOutputs([pool5])), sessionOptions);
        long[] shape = [batch, preprocessor.Channels, preprocessor.Height, preprocessor.Width];
        void Forward(float[] input)
        {
            using var x = OrtValue.CreateTensorValueFromMemory(input, shape);
            using var y = session.Run(new RunOptions(), [network.InputName], [x], [pool5]);
        }
        Forward(inputs[0]);
        Forward(inputs[^1]);
        var clock = Stopwatch.StartNew();
        foreach (var input in inputs) Forward(input);
        return batches * batch / clock.Elapsed.TotalSeconds;
    }

    /// <summary>Resets the kernel's peak-RSS mark (VmHWM) of this process to the current RSS (Linux: clear_refs 5).</summary>
    internal static void ResetPeakRss()
    {
        try { File.WriteAllText("/proc/self/clear_refs", "5"); }
        catch (IOException) { Console.WriteLine("(cannot reset VmHWM here; peaks include earlier phases)"); }
    }

    internal static string Load() => File.ReadAllText("/proc/loadavg").Split(' ')[0];

    internal static string? Arg(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
