namespace LayerProbe.Features;

/// <summary>Settings of one extraction run.</summary>
public sealed record ExtractionOptions
{
    /// <summary>Images per forward pass (default 16; 1 works).</summary>
    public int BatchSize { get; init; } = 16;
    /// <summary>Stored element type (default float32).</summary>
    public FeatureDType DType { get; init; } = FeatureDType.Float32;
    /// <summary>ONNX Runtime intra-op threads (default: the machine's cores).</summary>
    public int IntraOpThreads { get; init; } = Environment.ProcessorCount;
    /// <summary>
    /// Let ONNX Runtime's idle pool threads spin for work (its default). Off by default here: spinning threads take
    /// the cores the preprocessing and store-writing threads need.
    /// </summary>
    public bool AllowSpinning { get; init; }
    /// <summary>
    /// Linux nice increment of the decode/preprocess and store-writing threads (default 10; 0 = the priority of
    /// inference). Measured on 2 cores, extraction / plain ORT forward, median of 5 rounds on a shared machine:
    /// CaffeNet (1 MB stored per image) 0.869× at 0, 0.884× at 10; ResNet-18 (5.5 MB) 0.777× at 0, 0.858× at 10;
    /// 5 and 19 were worse than 10 (at 19 the writer falls behind).
    /// </summary>
    public int HelperNice { get; init; } = 10;
    /// <summary>
    /// Minimum time between commits (flush to disk + commit record). Zero commits after every batch; a kill loses
    /// at most this much work.
    /// </summary>
    public TimeSpan CommitInterval { get; init; } = TimeSpan.FromSeconds(1);
    /// <summary>Also write <c>features.npy</c> beside each finished store.</summary>
    public bool ExportNpy { get; init; }
    /// <summary>
    /// Store NaN and infinite activations (and float16 overflows) instead of stopping at the first one. Off by default:
    /// a store is then never marked complete with a value no probe can use.
    /// </summary>
    public bool KeepNonFinite { get; init; }
    /// <summary>Hears the one line said while another process holds a store's lock (default: standard error).</summary>
    public Action<string>? Waiting { get; init; }
    /// <summary>Where ONNX Runtime runs the network (default the CPU); recorded in each store's manifest.</summary>
    public Networks.ExecutionDevice Device { get; init; } = Networks.ExecutionDevice.Cpu;
    /// <summary>
    /// Extract only this shard of the items (null: all) into shard stores beside the whole ones, to be joined by
    /// <see cref="Sharding.ShardMerge"/>; a layer whose whole store is complete is not extracted again.
    /// </summary>
    public Sharding.Shard? Shard { get; init; }
    /// <summary>
    /// Threads that decode and preprocess the items of a batch (0, the default: one on the CPU, where ONNX Runtime's
    /// compute threads already take every core, and every core on a CUDA device, which does the compute itself).
    /// Each item is preprocessed the same way whichever thread does it, so the stores are the same bytes.
    /// </summary>
    public int PreprocessThreads { get; init; }
    /// <summary>
    /// Feed ONNX Runtime through an I/O binding with input and output tensors made once over the pipeline's buffers
    /// (default). False: the per-call <c>Run</c> of earlier versions, kept so that benchmarks and tests can compare.
    /// </summary>
    public bool BindIo { get; init; } = true;
    /// <summary>
    /// Run the head's fully connected layers compressed by truncated SVD at these ranks (Fast R-CNN §3.1; null: exact).
    /// Applies where layers are computed from a stored or pooled layer (<see cref="Regions.HeadFeatures"/>,
    /// <see cref="Regions.SharedConvExtractor"/>); stores computed through a compressed layer have their own key.
    /// Whole-network extraction refuses it for a layer it would change.
    /// </summary>
    public Regions.FcRanks? FcRanks { get; init; }

    /// <summary>The preprocessing threads this run uses (<see cref="PreprocessThreads"/> with 0 resolved by device).</summary>
    public int ResolvedPreprocessThreads =>
        PreprocessThreads > 0 ? PreprocessThreads : Device.IsCuda ? Environment.ProcessorCount : 1;
}

/// <summary>Progress of an extraction, reported after each batch is stored.</summary>
/// <param name="Done">Items whose features are stored (including those resumed from disk).</param>
/// <param name="Total">Items in the set.</param>
/// <param name="ResumedFrom">Items already committed when the run started.</param>
/// <param name="Elapsed">Time since this run started.</param>
public readonly record struct ExtractionProgress(int Done, int Total, int ResumedFrom, TimeSpan Elapsed)
{
    /// <summary>Items per second in this run.</summary>
    public double ItemsPerSecond => Elapsed.TotalSeconds > 0 ? (Done - ResumedFrom) / Elapsed.TotalSeconds : 0;
}

/// <summary>One layer's store after a run.</summary>
/// <param name="Layer">Layer as requested (alias or value name).</param>
/// <param name="Value">Graph value name.</param>
/// <param name="Directory">Store directory.</param>
/// <param name="Key">Content key.</param>
/// <param name="Shape">Activation shape per item.</param>
public sealed record LayerStore(string Layer, string Value, string Directory, FeatureStoreKey Key, int[] Shape);

/// <summary>Outcome of a run.</summary>
/// <param name="Stores">One store per requested layer, in request order.</param>
/// <param name="ResumedFrom">Items already committed before this run (the item count when every store was complete).</param>
/// <param name="Extracted">Items run through the network in this run.</param>
/// <param name="Elapsed">Wall time of this run.</param>
/// <param name="Timing">Where the inference thread spent this run (zero when nothing was extracted).</param>
public sealed record ExtractionResult(IReadOnlyList<LayerStore> Stores, int ResumedFrom, int Extracted, TimeSpan Elapsed, PipelineTiming Timing);

/// <summary>Time the inference thread spent in ONNX Runtime and waiting on the other two stages.</summary>
/// <param name="Inferring">Inside ONNX Runtime.</param>
/// <param name="WaitingForInput">Waiting for decoded, preprocessed batches.</param>
/// <param name="WaitingForStore">Waiting for the store writer to free an output buffer.</param>
public readonly record struct PipelineTiming(TimeSpan Inferring, TimeSpan WaitingForInput, TimeSpan WaitingForStore);
