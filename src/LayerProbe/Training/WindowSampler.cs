namespace LayerProbe.Training;

/// <summary>
/// The windows of each iteration as in Caffe's window data layer (docs/method.md §1.5): <see cref="ForegroundPerBatch"/>
/// = ⌊batch·fraction⌋ windows drawn uniformly with replacement from the foreground pool, the rest from the background
/// pool, each mirrored with probability ½. A pure function of (seed, iteration), so a resume draws the same windows.
/// </summary>
public sealed class WindowSampler
{
    readonly int _foreground, _background, _seed;
    readonly bool _mirror;

    /// <summary>A sampler over pools of <paramref name="foreground"/> and <paramref name="background"/> windows.</summary>
    public WindowSampler(int foreground, int background, int batchSize, int seed, double foregroundFraction = 0.25, bool mirror = true)
    {
        if (batchSize <= 0) throw new LayerProbeException($"windows: batch size must be > 0 (got {batchSize})");
        if (foregroundFraction is < 0 or > 1) throw new LayerProbeException($"windows: foreground fraction {foregroundFraction} is outside 0…1");
        ForegroundPerBatch = (int)(batchSize * foregroundFraction);
        BatchSize = batchSize;
        if (ForegroundPerBatch > 0 && foreground <= 0) throw new LayerProbeException("windows: no foreground windows to sample from");
        if (ForegroundPerBatch < batchSize && background <= 0) throw new LayerProbeException("windows: no background windows to sample from");
        _foreground = foreground;
        _background = background;
        _seed = seed;
        _mirror = mirror;
    }

    /// <summary>Windows per iteration.</summary>
    public int BatchSize { get; }
    /// <summary>Foreground windows per iteration (the first ones of the batch); the rest are background.</summary>
    public int ForegroundPerBatch { get; }

    /// <summary>
    /// Writes the draws of <paramref name="iteration"/> (length <see cref="BatchSize"/>): batch slot k takes window
    /// <c>Index</c> of the foreground pool for k &lt; <see cref="ForegroundPerBatch"/>, else of the background pool.
    /// </summary>
    public void Batch(long iteration, Span<(int Index, bool Mirror)> draws)
    {
        if (draws.Length != BatchSize) throw new ArgumentException($"expected {BatchSize} draws, got {draws.Length}");
        var random = TrainingSeeds.Random(_seed, TrainingSeeds.Windows, iteration);
        for (int k = 0; k < BatchSize; k++)
        {
            int index = random.Next(k < ForegroundPerBatch ? _foreground : _background);
            bool mirror = _mirror && random.Next(2) == 1;
            draws[k] = (index, mirror);
        }
    }
}
