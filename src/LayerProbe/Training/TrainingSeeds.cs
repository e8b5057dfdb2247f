namespace LayerProbe.Training;

/// <summary>
/// Every random choice of training derives from (seed, stream, index) alone — the sampling order of an epoch, the
/// crops and mirrors of an iteration, the dropout masks of an iteration (torch's generator is re-seeded before each
/// iteration). No generator state is carried from one iteration to the next, so resuming at iteration N needs only
/// (seed, N) and reproduces the uninterrupted run exactly.
/// </summary>
public static class TrainingSeeds
{
    /// <summary>Stream of the per-epoch permutation of the training items.</summary>
    public const long Sampling = 1;
    /// <summary>Stream of the per-iteration crop offsets and mirror flips.</summary>
    public const long Augmentation = 2;
    /// <summary>Stream of the per-iteration torch seed (dropout masks).</summary>
    public const long Dropout = 3;
    /// <summary>Stream of the per-iteration window draws and mirror flips of <see cref="WindowSampler"/>.</summary>
    public const long Windows = 4;

    /// <summary>A 64-bit seed mixed from the run seed, a stream and an index (SplitMix64 finaliser).</summary>
    public static long Derive(int seed, long stream, long index)
    {
        ulong z = (ulong)(uint)seed * 0x9E3779B97F4A7C15UL ^ (ulong)stream * 0xBF58476D1CE4E5B9UL ^ (ulong)index * 0x94D049BB133111EBUL;
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return (long)((z ^ (z >> 31)) & 0x7FFF_FFFF_FFFF_FFFFUL);
    }

    /// <summary>A <see cref="Random"/> for (seed, stream, index).</summary>
    public static Random Random(int seed, long stream, long index) => new((int)(Derive(seed, stream, index) & int.MaxValue));
}
