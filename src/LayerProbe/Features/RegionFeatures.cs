namespace LayerProbe.Features;

/// <summary>
/// How the features of region items were computed, as recorded in a store's manifest: <c>warp</c> (R-CNN: every region
/// warped to the network's input and run through it) or <c>shared-conv</c> (SPP-net / Fast R-CNN: the conv layers once
/// per image at a scale, each region max-pooled from <see cref="Layer"/>'s feature map to <see cref="Grid"/>).
/// </summary>
/// <param name="Mode"><c>warp</c> or <c>shared-conv</c>.</param>
/// <param name="Layer">Graph value of the shared convolutional layer (shared-conv only).</param>
/// <param name="ShorterSide">Scale: the image's shorter side in pixels (shared-conv only).</param>
/// <param name="MaxSide">Largest longer side (shared-conv only).</param>
/// <param name="Stride">Effective stride of the layer (shared-conv only).</param>
/// <param name="Pooled">Graph value the pooled rows stand for (shared-conv only).</param>
/// <param name="Grid">Pooling grid, height and width (shared-conv only).</param>
/// <param name="Pool">Pooling engine, <c>ort</c> or <c>managed</c> (shared-conv only).</param>
public sealed record RegionFeatures(string Mode, string? Layer = null, int? ShorterSide = null, int? MaxSide = null, int? Stride = null,
    string? Pooled = null, int[]? Grid = null, string? Pool = null)
{
    /// <summary>The R-CNN warp.</summary>
    public static RegionFeatures Warp { get; } = new("warp");

    /// <summary>Multi-scale shared-conv (SPP-net): every shorter side the image was run at; null for one scale.</summary>
    public int[]? Scales { get; init; }
    /// <summary>Multi-scale shared-conv: the side whose square each region's scaled area was brought closest to; null for one scale.</summary>
    public int? TargetSide { get; init; }
}
