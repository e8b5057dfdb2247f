using System.Diagnostics;
using LayerProbe.Data;
using LayerProbe.Features;
using LayerProbe.Networks;

namespace LayerProbe.Regions;

/// <summary>
/// Region features in shared-convolution mode (SPP-net, Fast R-CNN): per image, the layers up to
/// <see cref="SharedConvSettings.Layer"/> run once on the whole image scaled isotropically
/// (<see cref="ScaledImagePreprocessor"/>; in SPP-net's multi-scale mode once per scale, each region pooled at the
/// scale <see cref="PyramidLevel"/> picks), then every region (GT rows, then proposals) is max-pooled from that feature
/// map to the grid of the layer the pooling stands for and continued through the head in batches
/// (<see cref="SharedConvPass"/>). It writes the same stores as warp-mode extraction (<see cref="FeatureExtractor"/>):
/// same format, one row per region item in item order, the same item ids, so detectors, the evaluator and transforms run
/// unchanged on either; the store key holds the mode, the layer, its stride and grid, the scale and the pooling engine,
/// and so does the manifest (<see cref="RegionFeatures"/>). Resumable from the committed rows like extraction; memory is
/// one image, its feature map and a batch of pooled rows and head activations, whatever the number of regions.
/// </summary>
public static class SharedConvExtractor
{
    /// <summary>
    /// Extracts <paramref name="layers"/> (the pooled layer, pool5, and any later one such as fc6, fc7) for every region
    /// of <paramref name="regions"/> into stores under <paramref name="outputDirectory"/>; complete stores are skipped.
    /// </summary>
    public static ExtractionResult Run(OnnxNetwork network, VocRegions regions, ConventionPreprocessor convention, SharedConvSettings settings,
        IReadOnlyList<string> layers, string outputDirectory, ExtractionOptions? options = null, IProgress<ExtractionProgress>? progress = null,
        CancellationToken cancellation = default)
    {
        options ??= new ExtractionOptions();
        if (options.FcRanks is { } ranks) options = options with { FcRanks = ranks.CachedUnder(outputDirectory) };
        var clock = Stopwatch.StartNew();
        if (settings.RegionBatch < 1) throw LayerProbeException.ForParameter("regionBatch", $"regions per batch must be at least 1, got {settings.RegionBatch}");
        if (layers.Count == 0) throw LayerProbeException.For(network.Path, "no layers requested");
        var split = SharedConvNetwork.For(network, settings.Layer);
        var engine = settings.Pool;
        var levels = settings.ShorterSides.Select(side => new ScaledImagePreprocessor(convention, side, settings.MaxSide, split.MinimumSide)).ToList();
        int target = settings.TargetSide ?? network.InputSize?.Height ?? OnnxNetwork.DefaultInputSide;
        if (target < 1) throw LayerProbeException.For("--roi-target-side", $"must be at least 1 pixel, got {target}");
        var record = new RegionFeatures("shared-conv", split.FeatureValue, levels[0].ShorterSide, settings.MaxSide, split.Stride, split.PooledValue,
            [split.GridHeight, split.GridWidth], engine.ToString().ToLowerInvariant())
        {
            Scales = settings.MultiScale ? [.. settings.ShorterSides] : null,
            TargetSide = settings.MultiScale ? target : null,
        };
        // one scale keeps the key it always had; a pyramid adds its scales and target
        string pyramid = settings.MultiScale ? $",scales={string.Join("+", settings.ShorterSides)},target-side={target}" : "";
        string description = $"shared-conv({split.Description},pool={record.Pool}{pyramid}) {levels[0].Description}";
        var fcRanks = FcRanks.Resolve(network, options.FcRanks); // a layer computed through a compressed fc layer is keyed apart

        var plan = new List<LayerStore>();
        foreach (var layer in layers)
        {
            string value = network.ResolveLayer(layer);
            if (plan.Any(p => p.Value == value)) continue;
            if (value != split.PooledValue && !ComputedFrom(split, value))
                throw LayerProbeException.For(network.Path, $"layer '{layer}' is not computed from the pooled regions ('{split.PooledValue}'); shared-conv mode extracts '{split.PooledValue}' and the layers after it");
            var key = new FeatureStoreKey(network.Sha256, regions.Fingerprint, description + FcCompression.Tag(FcCompression.Applied(fcRanks, network, split.PooledValue, value)), value, options.DType);
            plan.Add(new LayerStore(layer, value, Path.Combine(outputDirectory, key.DirectoryName(layer)), key, []));
        }
        FeatureExtractor.PrepareOutput(outputDirectory);
        if (plan.All(p => FeatureStoreFiles.IsComplete(p.Directory))) return Finished(plan, regions, progress, clock);

        // Sessions (and the scale check) before any lock: a refused setting leaves no store folder behind.
        var pass = new SharedConvPass(split, engine, levels, target, Missing(plan).Select(p => p.Value).ToList(), settings.RegionBatch, options);
        var locks = new List<StoreWriteLock>();
        var writers = new List<FeatureStoreWriter>();
        try
        {
            foreach (var p in Missing(plan).OrderBy(p => p.Directory, StringComparer.Ordinal))
                locks.Add(StoreWriteLock.Acquire(p.Directory, options.Waiting, cancellation));
            // Whatever a writer we waited for finished is now complete, and stays as it is.
            var missing = Missing(plan);
            if (missing.Count == 0) return Finished(plan, regions, progress, clock);
            if (!missing.Select(p => p.Value).SequenceEqual(pass.Targets))
            {
                pass.Dispose();
                pass = new SharedConvPass(split, engine, levels, target, missing.Select(p => p.Value).ToList(), settings.RegionBatch, options);
            }
            var stores = missing.Select((p, i) => p with { Shape = pass.Shapes[i] }).ToList();
            foreach (var s in stores)
                writers.Add(FeatureStoreWriter.OpenOrCreate(s.Directory, FeatureMatrixHeader.ForShape(options.DType, regions.Count, s.Shape),
                    FeatureExtractor.Manifest(network, regions, s.Key.Preprocessing, s, options, record) with { FcSvdRanks = FcCompression.Record(null, FcCompression.Applied(fcRanks, network, split.PooledValue, s.Value)) }, locks.Single(l => l.Directory == s.Directory), options.KeepNonFinite));
            long start = writers.Min(w => w.CommittedRows);
            foreach (var w in writers) w.RewindTo(start);
            pass.Run(regions, (int)start, writers, progress, clock, cancellation);
            foreach (var w in writers) w.Complete();
            var done = plan.Select(p => stores.FirstOrDefault(s => s.Directory == p.Directory) ?? p with { Shape = ShapeOf(p.Directory) }).ToList();
            return new ExtractionResult(done, (int)start, regions.Count - (int)start, clock.Elapsed, new PipelineTiming(pass.Inferring, pass.WaitingForInput, TimeSpan.Zero));
        }
        finally
        {
            foreach (var w in writers) w.Dispose();
            foreach (var l in locks) l.Dispose();
            pass.Dispose();
        }
    }

    static List<LayerStore> Missing(List<LayerStore> plan) => plan.Where(p => !FeatureStoreFiles.IsComplete(p.Directory)).ToList();

    /// <summary>True when <paramref name="value"/> can be computed from the pooled value alone (the head can be cut there).</summary>
    static bool ComputedFrom(SharedConvNetwork split, string value)
    {
        try { HeadSubgraph.Cut(split.Network, split.PooledValue, [value], [.. split.PooledShape.Cast<object>()]); return true; } // no serialisation: the cut only references the weights
        catch (LayerProbeException) { return false; }
    }

    static ExtractionResult Finished(List<LayerStore> plan, VocRegions regions, IProgress<ExtractionProgress>? progress, Stopwatch clock)
    {
        progress?.Report(new ExtractionProgress(regions.Count, regions.Count, regions.Count, clock.Elapsed));
        return new ExtractionResult(plan.Select(p => p with { Shape = ShapeOf(p.Directory) }).ToList(), regions.Count, 0, clock.Elapsed, default);
    }

    static int[] ShapeOf(string directory) => FeatureManifest.Read(Path.Combine(directory, FeatureStoreFiles.Manifest)).Shape;
}
