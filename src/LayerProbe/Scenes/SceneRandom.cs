using LayerProbe.Features.Transforms;

namespace LayerProbe.Scenes;

/// <summary>
/// The random stream of one scene: SplitMix64 seeded from (run seed, image index), so every image is drawn
/// independently of the others (parallel generation gives the same scenes) and of the runtime.
/// </summary>
struct SceneRandom(int seed, int image)
{
    SplitMix64 _stream = new(SplitMix64.Mix(SplitMix64.Mix((ulong)(uint)seed) ^ (ulong)(uint)image));

    /// <summary>Uniform integer in [0, n).</summary>
    public int Below(int n) => _stream.Below(n);

    /// <summary>Uniform integer in [lo, hi].</summary>
    public int Between(int lo, int hi) => lo + Below(hi - lo + 1);

    /// <summary>True with probability <paramref name="percent"/>/100.</summary>
    public bool Percent(int percent) => Below(100) < percent;

    /// <summary>Uniform in [0, 1) with 53 bits (exact binary fractions, no libm).</summary>
    public double Unit() => (_stream.Next() >> 11) * (1.0 / (1UL << 53));
}
