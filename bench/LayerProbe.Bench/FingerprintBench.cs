using System.Diagnostics;
using LayerProbe.Data;
using LayerProbe.Features;
using LayerProbe.Networks;

namespace LayerProbe.Bench;

/// <summary>
/// The cost of content fingerprints (store keys from file bytes) on an image folder and on the demo's Fashion-MNIST
/// files: cold (no cache, as on a first run: every byte read and hashed), warm (a valid cache file: one statx per file,
/// loading the cache included), and the old key (path, size, modification time) — against extracting the same items
/// with ResNet-18 pool5 in the same process.
/// </summary>
public sealed class FingerprintBench : IBenchmark
{
    const double TargetWarmShare = 0.01;

    /// <inheritdoc/>
    public string Name => "fingerprints";
    /// <inheritdoc/>
    public string Description => $"content fingerprints cold/warm vs. extraction of the same items (target: warm < {TargetWarmShare:P0} of it); args: IMAGE_FOLDER [extract-items]";

    /// <inheritdoc/>
    public int Run(string[] args)
    {
        if (args.Length == 0) { Console.WriteLine("usage: layerprobe-bench fingerprints IMAGE_FOLDER (class sub-folders of images) [extract-items]"); return 2; }
        var items = new ImageFolderItems(args[0]);
        var files = Enumerable.Range(0, items.Count).Select(i => (Id: items.Id(i), Path: items.FilePath(i))).ToList();
        long bytes = files.Sum(f => new FileInfo(f.Path).Length);
        string work = Directory.CreateTempSubdirectory("layerprobe-bench-fingerprints-").FullName;
        try
        {
            Console.WriteLine($"{args[0]}: {files.Count} files, {bytes / 1e6:F0} MB (mean {bytes / files.Count / 1e3:F0} KB)");
            var (cold, warm, old) = Measure(files, Path.Combine(work, "folder-hashes.txt"));
            var fashion = FashionMnist.Load("train");
            var (fmCold, fmWarm, _) = Measure([("images", fashion.ImagesPath), ("labels", fashion.LabelsPath)], Path.Combine(work, "fm-hashes.txt"));
            Console.WriteLine($"fashion-mnist train IDX files: cold {fmCold.TotalMilliseconds:F0} ms, warm {fmWarm.TotalMilliseconds:F1} ms");

            int n = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : files.Count;
            var network = OnnxNetwork.Load("resnet18-imagenet");
            var (all, preprocessor) = ItemSetSources.Create($"images:{args[0]}", network);
            IItemSet subset = n >= all.Count ? all : new FirstItems(all, n);
            _ = subset.Fingerprint; // hashed here, so that the timed run below is extraction only
            var clock = Stopwatch.StartNew();
            FeatureExtractor.Run(network, subset, preprocessor, ["pool5"], Path.Combine(work, "stores"), new ExtractionOptions());
            var extraction = clock.Elapsed * ((double)files.Count / n);
            string scaled = n < files.Count ? $" ({n} items extracted, scaled to {files.Count})" : "";
            Console.WriteLine($"extraction, resnet18 pool5, {files.Count} items: {extraction.TotalSeconds:F1} s{scaled}");
            Console.WriteLine($"cold / extraction {cold / extraction:P2}, warm / extraction {warm / extraction:P3} (target < {TargetWarmShare:P0}), old key / extraction {old / extraction:P3}");
            return warm / extraction < TargetWarmShare ? 0 : 1;
        }
        finally { Directory.Delete(work, recursive: true); }
    }

    /// <summary>Cold, warm and old-key times of fingerprinting <paramref name="files"/> the way the item sets do.</summary>
    static (TimeSpan Cold, TimeSpan Warm, TimeSpan Old) Measure(IReadOnlyList<(string Id, string Path)> files, string cacheFile)
    {
        string Fingerprint(FileContentHashes cache)
        {
            var f = new Fingerprints(cache);
            foreach (var (id, path) in files) f.Add(id).AddFile(path);
            return f.Finish();
        }

        var clock = Stopwatch.StartNew();
        var coldCache = new FileContentHashes(cacheFile);
        string coldKey = Fingerprint(coldCache);
        var cold = clock.Elapsed;
        clock.Restart();
        var warmCache = new FileContentHashes(cacheFile);
        string warmKey = Fingerprint(warmCache);
        var warm = clock.Elapsed;
        if (coldKey != warmKey) throw new InvalidOperationException("cold and warm fingerprints differ");
        clock.Restart();
        long sum = 0;
        foreach (var (_, path) in files) { var info = new FileInfo(path); sum += info.Length ^ info.LastWriteTimeUtc.Ticks; }
        var old = clock.Elapsed;
        Console.WriteLine($"  cold: {cold.TotalSeconds:F2} s, {coldCache.FilesRead} files, {coldCache.BytesRead / cold.TotalSeconds / 1e6:F0} MB/s; " +
                          $"warm: {warm.TotalMilliseconds:F0} ms ({warmCache.FilesRead} files read again); old key (size + mtime): {old.TotalMilliseconds:F0} ms [{sum & 1}]");
        return (cold, warm, old);
    }

    /// <summary>The first <c>count</c> items of a set.</summary>
    sealed class FirstItems(IItemSet inner, int count) : IItemSet
    {
        public string Name => $"{inner.Name}/first{count}";
        public int Count => count;
        public string Fingerprint => $"{inner.Fingerprint}/first{count}";
        public string Id(int index) => inner.Id(index);
        public (RgbImage Image, PixelBox? Region) Load(int index) => inner.Load(index);
    }
}
