namespace LayerProbe.Features.Transforms;

/// <summary>
/// <c>sp-shuffle</c> (draft Fig. 2): for each item and each channel independently, that channel's H·W values are
/// permuted by a fresh uniform random permutation (Fisher–Yates). The generator of (item, channel) is seeded from
/// (<see cref="Seed"/>, item index, channel) alone, so a row's shuffle is the same however and on whichever thread rows
/// are visited. (A permutation shared by all items would be a no-op for a linear SVM.)
/// </summary>
public sealed class SpatialShuffle(int seed) : IFeatureTransform
{
    /// <summary>Seed recorded in the manifest.</summary>
    public int Seed { get; } = seed;
    /// <inheritdoc/>
    public string Name => "sp-shuffle";
    /// <inheritdoc/>
    public TransformSettings Settings => new(Name, Seed);
    /// <inheritdoc/>
    public bool AppliesToFullyConnected => false;
    /// <inheritdoc/>
    public int OutputDimensions(FeatureShape shape) => shape.Dimensions;
    /// <inheritdoc/>
    public void Apply(int item, ReadOnlySpan<float> input, FeatureShape shape, Span<float> output)
    {
        int p = shape.Positions;
        input[..shape.Dimensions].CopyTo(output);
        for (int c = 0; c < shape.Channels; c++)
        {
            var map = output.Slice(c * p, p);
            var rng = new SplitMix64(StreamSeed(item, c));
            for (int j = p - 1; j > 0; j--)
            {
                int k = rng.Below(j + 1);
                (map[j], map[k]) = (map[k], map[j]);
            }
        }
    }

    ulong StreamSeed(int item, int channel) =>
        SplitMix64.Mix(SplitMix64.Mix(SplitMix64.Mix((ulong)(uint)Seed) ^ (ulong)(uint)item) ^ (ulong)(uint)channel);
}
