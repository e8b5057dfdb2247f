using System.Diagnostics;
using System.Globalization;
using LayerProbe.Features;

namespace LayerProbe.Bench;

/// <summary>
/// Memory of a store's item ids at region scale: a float32 store of <c>--rows</c> rows (default 1,000,000: 500 images ×
/// 2,000 proposals) × <c>--dims</c> (16), with region ids (<c>IMAGE/ROW</c>) as region extraction writes them, is
/// opened with <see cref="FeatureMatrix.Open"/> (ids on demand, <see cref="StoredIds"/>), and beside it the ids are
/// loaded the way the store used to open them (every line as a string, <c>File.ReadLines(…).Take(rows).ToArray()</c>),
/// each in a fresh process: peak RSS (VmHWM, reset before opening) above the RSS before it, managed memory retained
/// while the ids are open, and the time of one pass over all ids in order (what the id checks do).
/// <c>layerprobe-bench ids-rss [--rows 1000000] [--dims 16] [--dir PATH]</c>
/// </summary>
sealed class StoreIdsRssBench : IBenchmark
{
    public string Name => "ids-rss";
    public string Description => "peak RSS of a 1 M-row region store's item ids: read on demand vs all held as strings (the old open)";

    public int Run(string[] args)
    {
        var inv = CultureInfo.InvariantCulture;
        if (RegionDevkit.Arg(args, "--phase") is { } phase) return Phase(phase, RegionDevkit.Arg(args, "--store")!, RegionDevkit.Int(args, "--rows", 0));
        int rows = RegionDevkit.Int(args, "--rows", 1_000_000), dims = RegionDevkit.Int(args, "--dims", 16);
        string dir = Directory.CreateDirectory(Path.Combine(RegionDevkit.Arg(args, "--dir") ?? Path.GetTempPath(), $"lp-ids-rss-{Guid.NewGuid():N}")).FullName;
        try
        {
            Write(dir, rows, dims);
            long idBytes = new FileInfo(Path.Combine(dir, FeatureStoreFiles.Ids)).Length;
            Console.WriteLine(string.Create(inv, $"== store of {rows:N0} rows × {dims} dims, ids.txt {idBytes / 1e6:F1} MB; {Environment.ProcessorCount} cores, load {RegionDevkit.Load()}; each phase in a fresh process =="));
            var results = new[] { "on-demand", "strings" }.Select(p => Child(p, dir, rows)).ToArray();
            foreach (var line in results) Console.WriteLine(line.Text);
            return results[0].Peak < results[1].Peak ? 0 : 1;
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    /// <summary>Runs one phase in a fresh process of this benchmark (so the GC heap of one phase cannot hide the other's).</summary>
    static (string Text, double Peak) Child(string phase, string dir, int rows)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!) == "dotnet") start.ArgumentList.Add(typeof(StoreIdsRssBench).Assembly.Location);
        foreach (var a in new[] { "ids-rss", "--phase", phase, "--store", dir, "--rows", rows.ToString(CultureInfo.InvariantCulture) }) start.ArgumentList.Add(a);
        using var child = Process.Start(start)!;
        string text = child.StandardOutput.ReadToEnd().Trim();
        child.WaitForExit();
        return (text, double.Parse(text.Split("peak ")[1].Split(' ')[0], CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// One phase: opens the store's ids (<c>on-demand</c>: <see cref="FeatureMatrix.Open"/>; <c>strings</c>: every line
    /// as a string, as the store used to), keeps them, and prints the peak RSS above the RSS before, the managed memory
    /// retained, and the time of one pass over all ids in order.
    /// </summary>
    static int Phase(string phase, string dir, int rows)
    {
        double before = RegionDevkit.RssMegabytes();
        long managedBefore = GC.GetTotalMemory(true);
        ResourceUsage.ResetPeakRss();
        FeatureMatrix? matrix = null;
        IReadOnlyList<string> ids;
        if (phase == "on-demand") ids = (matrix = FeatureMatrix.Open(dir)).Ids;
        else ids = File.ReadLines(Path.Combine(dir, FeatureStoreFiles.Ids)).Take(rows).ToArray();
        double peak = ResourceUsage.PeakRssMegabytes() - before;
        double retained = (GC.GetTotalMemory(true) - managedBefore) / 1e6;
        double pass = Pass(ids);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{(phase == "on-demand" ? "ids on demand (FeatureMatrix.Open)" : "ids held as strings (the old open)"),-36}: peak {peak:F1} MB above the RSS before opening, {retained:F1} MB managed memory retained; one pass over the {ids.Count:N0} ids {pass:F2} s"));
        GC.KeepAlive(ids);
        matrix?.Dispose();
        return 0;
    }

    /// <summary>Seconds to read every id in order (their total length is kept so the reads are not optimised away).</summary>
    static double Pass(IReadOnlyList<string> ids)
    {
        var clock = Stopwatch.StartNew();
        long chars = 0;
        for (int i = 0; i < ids.Count; i++) chars += ids[i].Length;
        GC.KeepAlive(chars);
        return clock.Elapsed.TotalSeconds;
    }

    static void Write(string dir, int rows, int dims)
    {
        var manifest = new FeatureManifest
        {
            ModelPath = "synthetic.onnx", ModelSha256 = "00", DataName = "voc/test/regions", DataFingerprint = "bench", Preprocessing = "none",
            LayerAlias = "pool5", LayerValue = "pool5", Shape = [dims], DType = "float32", Key = "bench-ids", FormatVersion = 1, ToolVersion = "bench",
            DotNetVersion = Environment.Version.ToString(), OnnxRuntimeVersion = "-", Created = "-", Rows = 0, Complete = false,
        };
        const int chunk = 2000; // one image of proposals
        var values = new float[chunk * dims];
        using var writer = FeatureStoreWriter.OpenOrCreate(dir, FeatureMatrixHeader.ForShape(FeatureDType.Float32, rows, [dims]), manifest);
        for (int first = 0; first < rows; first += chunk)
        {
            int n = Math.Min(chunk, rows - first);
            writer.Append(values.AsSpan(0, n * dims), Enumerable.Range(0, n).Select(r => $"{first / chunk:D6}/{r}").ToArray());
            writer.Commit();
        }
        writer.Complete();
    }
}
