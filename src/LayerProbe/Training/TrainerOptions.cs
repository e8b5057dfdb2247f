namespace LayerProbe.Training;

/// <summary>
/// Everything about a training run except the solver (<see cref="SolverSettings"/>) and the multipliers
/// (<see cref="LrMultipliers"/>): batch, seed, augmentation, logging, held-out testing and snapshot iterations.
/// </summary>
public sealed record TrainerOptions
{
    /// <summary>Items per iteration.</summary>
    public int BatchSize { get; init; } = 32;
    /// <summary>Seed of the sampling order, augmentation and dropout (see <see cref="TrainingSeeds"/>).</summary>
    public int Seed { get; init; }
    /// <summary>Random crop / mirror at train time, centre crop at test time.</summary>
    public Augmentation Augmentation { get; init; } = Augmentation.None;
    /// <summary>
    /// Value whose outputs are the class scores for the softmax cross-entropy loss (paper name or graph value); null:
    /// the graph output, or the input of the Softmax that ends the graph (<see cref="ClassifierLayer.Logits"/>).
    /// </summary>
    public string? Logits { get; init; }
    /// <summary>The classifier node whose width must match the data's classes (null: found from the graph, <see cref="ClassifierLayer.Find"/>).</summary>
    public string? Classifier { get; init; }
    /// <summary>Iterations between loss log rows.</summary>
    public int LogInterval { get; init; } = 20;
    /// <summary>Caffe's average_loss: the smoothed loss is the mean of the last this-many losses.</summary>
    public int AverageLoss { get; init; } = 20;
    /// <summary>Held-out items for top-1 accuracy (eval mode), or null for none.</summary>
    public ITrainingSource? TestSource { get; init; }
    /// <summary>Iterations between held-out tests (0: only at snapshots and at the end).</summary>
    public int TestInterval { get; init; }
    /// <summary>Test on the first this-many held-out items (0: all).</summary>
    public int TestItems { get; init; }
    /// <summary>Batch size of held-out testing.</summary>
    public int TestBatchSize { get; init; } = 100;
    /// <summary>Iterations (counted in completed updates, 1 … max_iter) after which a snapshot is written.</summary>
    public IReadOnlyList<int> Snapshots { get; init; } = [];
    /// <summary>Folder of snapshots, the CSV log and the curves (null: nothing is written).</summary>
    public string? OutputDirectory { get; init; }
    /// <summary>File-name prefix of snapshots: <c>{prefix}_iter_{N}.onnx</c>.</summary>
    public string SnapshotPrefix { get; init; } = "snapshot";
    /// <summary>torch intra-op threads (null: leave torch's setting). Runs compared bitwise must use the same count.</summary>
    public int? Threads { get; init; }
    /// <summary>
    /// sha256 of the file the network came from, recorded as the snapshots' <c>parent_network</c> (null: the hash of the
    /// network as given to the trainer — which differs from the file's once fine-tuning replaced its classifier).
    /// </summary>
    public string? ParentSha256 { get; init; }
    /// <summary>Where log lines go (null: standard error).</summary>
    public TextWriter? Log { get; init; }
}
