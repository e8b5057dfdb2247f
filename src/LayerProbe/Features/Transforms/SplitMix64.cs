namespace LayerProbe.Features.Transforms;

/// <summary>
/// SplitMix64 (Steele, Lea &amp; Flood 2014): a tiny counter-based generator whose stream is fixed by its 64-bit
/// seed, so per-(item, channel) streams are cheap to start and identical across runtimes.
/// </summary>
internal struct SplitMix64(ulong seed)
{
    ulong _state = seed;

    /// <summary>The SplitMix64 finaliser (a bijective 64-bit mix), also used to combine seed parts.</summary>
    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public ulong Next() => Mix(_state += 0x9E3779B97F4A7C15UL);

    /// <summary>Uniform integer in [0, n) by multiply-shift of the top 32 bits (bias ≤ n/2³², negligible for maps of
    /// at most a few thousand positions).</summary>
    public int Below(int n) => (int)(((Next() >> 32) * (ulong)(uint)n) >> 32);
}
