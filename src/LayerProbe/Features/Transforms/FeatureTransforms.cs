namespace LayerProbe.Features.Transforms;

/// <summary>
/// Registry of feature transforms by name (docs/method.md §3): <c>unroll</c>, <c>sp-shuffle</c>, <c>sp-max</c>,
/// <c>binarize</c>, <c>max+loc</c>, <c>binarize+loc</c> (alias <c>sm-bn-lc</c>). Factories take the seed (used by
/// sp-shuffle only).
/// </summary>
public static class FeatureTransforms
{
    static readonly Dictionary<string, Func<int, IFeatureTransform>> Factories = new(StringComparer.OrdinalIgnoreCase)
    {
        ["unroll"] = _ => new Unroll(),
        ["sp-shuffle"] = seed => new SpatialShuffle(seed),
        ["sp-max"] = _ => new SpatialMax(),
        ["binarize"] = _ => new Binarize(),
        ["max+loc"] = _ => new MaxWithLocation(),
        ["binarize+loc"] = _ => new BinarizeWithLocation(),
        ["sm-bn-lc"] = _ => new BinarizeWithLocation(),
    };

    /// <summary>Default seed of sp-shuffle.</summary>
    public const int DefaultSeed = 1;

    /// <summary>Registered names (incl. aliases).</summary>
    public static IReadOnlyCollection<string> Names => Factories.Keys;

    /// <summary>Creates a transform by name; unknown name → <see cref="LayerProbeException"/> listing the known ones.</summary>
    public static IFeatureTransform Create(string name, int seed = DefaultSeed) =>
        Factories.TryGetValue(name, out var make) ? make(seed)
            : throw new LayerProbeException($"unknown transform '{name}' (known: {string.Join(", ", Names)})");

    /// <summary>Whether <paramref name="transform"/> makes sense for features of <paramref name="shape"/>: layers without
    /// spatial extent (H = W = 1) take only transforms with <see cref="IFeatureTransform.AppliesToFullyConnected"/>.</summary>
    public static bool AppliesTo(IFeatureTransform transform, FeatureShape shape) =>
        !shape.IsFullyConnected || transform.AppliesToFullyConnected;

    /// <summary>
    /// Wraps stored rows of <paramref name="layer"/> (shape <paramref name="shape"/>) in the named transform. fc layers
    /// (H = W = 1) accept only transforms with <see cref="IFeatureTransform.AppliesToFullyConnected"/>.
    /// </summary>
    public static TransformedFeatureRows Apply(Probes.IFeatureRows rows, FeatureShape shape, string layer, string name, int seed = DefaultSeed)
    {
        var transform = Create(name, seed);
        if (!AppliesTo(transform, shape))
            throw new LayerProbeException($"{layer}: transform '{transform.Name}' needs a spatial map, but {layer} is a fully connected layer ({shape}); use unroll or binarize");
        return new TransformedFeatureRows(rows, shape, transform, layer);
    }
}
