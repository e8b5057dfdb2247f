using System.Diagnostics;
using LayerProbe.Data;
using LayerProbe.Networks;
using Microsoft.ML.OnnxRuntime;

namespace LayerProbe.Features;

/// <summary>
/// Extracts the activations of several layers for every item of a set in one ONNX Runtime forward pass per batch and
/// streams them into content-addressed feature stores. Decoding and preprocessing of the next batch overlap inference
/// of the current one, and writing overlaps both (see <see cref="ExtractionPipeline"/>); memory stays at a couple of
/// batches. Interrupted runs resume from the committed rows and finish with byte-identical store files.
/// </summary>
public static class FeatureExtractor
{
    /// <summary>
    /// Runs (or resumes, or skips when complete) the extraction of <paramref name="layers"/> into
    /// <paramref name="outputDirectory"/>. Complete stores are left untouched; only the missing layers run through the
    /// network, each written under its store's lock (a concurrent writer of the same store is waited for).
    /// </summary>
    public static ExtractionResult Run(OnnxNetwork network, IItemSet items, IPreprocessor preprocessor, IReadOnlyList<string> layers,
        string outputDirectory, ExtractionOptions? options = null, IProgress<ExtractionProgress>? progress = null,
        CancellationToken cancellation = default)
    {
        options ??= new ExtractionOptions();
        var clock = Stopwatch.StartNew();
        // A shard's batches are batches of the unsharded run (cut at whole batches), so its rows are the same bytes.
        int unit = Math.Max(1, options.BatchSize);
        var record = options.Shard is { } shard ? Sharding.ShardRecord.Of(shard, items.Count, unit) : (Sharding.ShardRecord?)null;
        if (options.Shard is { } part) items = new Sharding.ShardItems(items, part, unit);
        var plan = Plan(network, items, preprocessor, layers, outputDirectory, options);
        if (plan.All(p => FeatureStoreFiles.IsComplete(p.Directory))) return AlreadyComplete(plan, items, options, progress, clock);

        // Locks in path order, so that two runs asking for overlapping layers in different orders cannot deadlock.
        var locks = new List<StoreWriteLock>();
        var writers = new List<FeatureStoreWriter>();
        try
        {
            foreach (var p in plan.Where(p => !FeatureStoreFiles.IsComplete(p.Directory)).OrderBy(p => p.Directory, StringComparer.Ordinal))
                locks.Add(StoreWriteLock.Acquire(p.Directory, options.Waiting, cancellation));
            // Whatever a writer we waited for finished is now complete, and stays as it is.
            var missing = plan.Where(p => !FeatureStoreFiles.IsComplete(p.Directory)).ToList();
            if (missing.Count == 0) return AlreadyComplete(plan, items, options, progress, clock);

            // A batch-only change: stores stay keyed by the original network's hash (same features per image).
            using var sessionOptions = CreateSessionOptions(options);
            using var session = OnnxSession.Create(network, InputAdaptation.FreeBatch(network.WithOutputs(missing.Select(p => p.Value))), sessionOptions);
            var shapes = OutputShapes.Probe(session, network.InputName, preprocessor, missing.Select(p => p.Value).ToList());
            var stores = missing.Select((p, i) => p with { Shape = shapes[i] }).ToList();

            foreach (var s in stores)
                writers.Add(FeatureStoreWriter.OpenOrCreate(s.Directory, FeatureMatrixHeader.ForShape(options.DType, items.Count, s.Shape),
                    Manifest(network, items, preprocessor.Description, s, options, items is Regions.VocRegions ? RegionFeatures.Warp : null), locks.Single(l => l.Directory == s.Directory), options.KeepNonFinite));
            long start = writers.Min(w => w.CommittedRows);
            foreach (var w in writers) w.RewindTo(start);

            var pipeline = new ExtractionPipeline(session, network.InputName, items, preprocessor, stores, writers, options, progress, clock);
            try { pipeline.Run((int)start, cancellation); }
            catch (LayerProbeException e) when (writers.Count > 1 && StoreDiskFull.Is(e))
            {
                throw StoreDiskFull.Restate(e, writers.Sum(w => w.BytesStillNeeded), $"the {writers.Count} stores of this run");
            }
            foreach (var w in writers)
            {
                record?.Write(w.Directory);
                w.Complete();
            }
            var done = plan.Select(p => stores.FirstOrDefault(s => s.Directory == p.Directory) ?? p with { Shape = FeatureMatrixShape(p.Directory) }).ToList();
            if (options.ExportNpy) ExportMissingNpy(done);
            return new ExtractionResult(done, (int)start, items.Count - (int)start, clock.Elapsed,
                new PipelineTiming(pipeline.Inferring, pipeline.WaitingForInput, pipeline.WaitingForStore));
        }
        finally
        {
            foreach (var w in writers) w.Dispose();
            foreach (var l in locks) l.Dispose();
        }
    }

    static ExtractionResult AlreadyComplete(List<LayerStore> plan, IItemSet items, ExtractionOptions options, IProgress<ExtractionProgress>? progress, Stopwatch clock)
    {
        var done = plan.Select(p => p with { Shape = FeatureMatrixShape(p.Directory) }).ToList();
        if (options.ExportNpy) ExportMissingNpy(done);
        progress?.Report(new ExtractionProgress(items.Count, items.Count, items.Count, clock.Elapsed));
        return new ExtractionResult(done, items.Count, 0, clock.Elapsed, default);
    }

    /// <summary>Resolves layers, computes keys and store directories, and makes sure the output directory is usable.</summary>
    static List<LayerStore> Plan(OnnxNetwork network, IItemSet items, IPreprocessor preprocessor, IReadOnlyList<string> layers,
        string outputDirectory, ExtractionOptions options)
    {
        if (options.BatchSize < 1) throw LayerProbeException.ForParameter("batchSize", $"batch size must be at least 1, got {options.BatchSize}");
        if (layers.Count == 0) throw LayerProbeException.For(network.Path, "no layers requested");
        if (preprocessor.Channels != network.InputChannels)
            throw LayerProbeException.For(network.Path, $"the network takes {network.InputChannels} input channels, the preprocessor makes {preprocessor.Channels}");
        if (network.InputSize is { } size && (size.Height != preprocessor.Height || size.Width != preprocessor.Width))
            throw LayerProbeException.For(network.Path, $"the network takes {size.Height}x{size.Width} inputs, the preprocessor makes {preprocessor.Height}x{preprocessor.Width}");

        var plan = new List<LayerStore>();
        foreach (var layer in layers)
        {
            string value = network.ResolveLayer(layer);
            if (plan.Any(p => p.Value == value)) continue;
            Regions.FcCompression.RequireExact(network, layer, value, options.FcRanks);
            var key = new FeatureStoreKey(network.Sha256, items.Fingerprint, preprocessor.Description, value, options.DType);
            string directory = Path.Combine(outputDirectory, key.DirectoryName(layer));
            // A shard writes its own store beside the whole one, unless the whole one is already complete.
            if (options.Shard is { } shard && !FeatureStoreFiles.IsComplete(directory)) directory = shard.Directory(directory);
            plan.Add(new LayerStore(layer, value, directory, key, []));
        }
        PrepareOutput(outputDirectory);
        return plan;
    }

    /// <summary>Creates the output folder and checks it can be written, before any work starts.</summary>
    internal static void PrepareOutput(string outputDirectory)
    {
        try { Directory.CreateDirectory(outputDirectory); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        { throw LayerProbeException.For(outputDirectory, $"cannot create the output directory ({e.Message})", e); }
        EnsureWritable(outputDirectory);
    }

    static void EnsureWritable(string directory)
    {
        string probe = Path.Combine(directory, $".write-probe-{Environment.ProcessId}");
        try
        {
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        { throw LayerProbeException.For(directory, $"output directory is not writable ({e.Message})", e); }
    }

    /// <summary>The session settings of extraction (also the shared-convolution passes').</summary>
    internal static SessionOptions CreateSessionOptions(ExtractionOptions options)
    {
        var s = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            IntraOpNumThreads = Math.Max(1, options.IntraOpThreads),
            InterOpNumThreads = 1,
            // With the memory pattern ORT allocated a new block for the second batch's plan: ~50 MB of fresh pages
            // faulted in by its compute threads (ResNet-18 stages, batch 16). Without it the arena's chunks from the
            // first batch are reused; no slower per batch here.
            EnableMemoryPattern = false,
        };
        s.AddSessionConfigEntry("session.intra_op.allow_spinning", options.AllowSpinning ? "1" : "0");
        try { options.Device.AppendTo(s); }
        catch { s.Dispose(); throw; }
        return s;
    }

    /// <summary>The manifest a store of <paramref name="items"/> starts with (<paramref name="regions"/>: how region features were made).</summary>
    internal static FeatureManifest Manifest(OnnxNetwork network, IItemSet items, string preprocessing, LayerStore store, ExtractionOptions options, RegionFeatures? regions) => new()
    {
        ModelPath = Path.GetFullPath(network.Path),
        ModelSha256 = network.Sha256,
        DataName = items.Name,
        DataFingerprint = items.Fingerprint,
        Preprocessing = preprocessing,
        LayerAlias = store.Layer,
        LayerValue = store.Value,
        Shape = store.Shape,
        DType = options.DType.Name(),
        Key = store.Key.Hash,
        FormatVersion = FeatureMatrixHeader.FormatVersion,
        ToolVersion = typeof(FeatureExtractor).Assembly.GetName().Version?.ToString() ?? "0.0.0",
        DotNetVersion = Environment.Version.ToString(),
        OnnxRuntimeVersion = OrtEnv.Instance().GetVersionString(),
        Device = options.Device.ToString(),
        Created = DateTime.UtcNow.ToString("O"),
        Rows = 0,
        Complete = false,
        Regions = regions,
    };

    static int[] FeatureMatrixShape(string directory) =>
        FeatureManifest.Read(Path.Combine(directory, FeatureStoreFiles.Manifest)).Shape;

    static void ExportMissingNpy(IEnumerable<LayerStore> stores)
    {
        foreach (var s in stores)
        {
            string npy = Path.Combine(s.Directory, FeatureStoreFiles.Npy);
            if (File.Exists(npy)) continue;
            using var m = FeatureMatrix.Open(s.Directory);
            NpyExport.Write(m, npy);
        }
    }
}
