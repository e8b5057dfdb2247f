namespace LayerProbe.Regions;

/// <summary>
/// How region features are computed in shared-convolution mode (<see cref="SharedConvExtractor"/>): the convolutional
/// layer shared by all regions of an image, the scale the image is run at (SPP-net's single scale: shorter side 688;
/// Fast R-CNN: 600 with the longer side at most 1,000), the pooling engine and regions per head batch.
/// </summary>
public sealed record SharedConvSettings
{
    /// <summary>The layer computed once per image (CaffeNet: relu5, whose max pool pool5 the RoI pooling replaces).</summary>
    public required string Layer { get; init; }
    /// <summary>The image's shorter side after scaling (pixels).</summary>
    public int ShorterSide { get; init; } = 600;
    /// <summary>Largest longer side after scaling (pixels).</summary>
    public int MaxSide { get; init; } = 1000;
    /// <summary>
    /// SPP-net's multi-scale mode: the image run at each of these shorter sides (SPP-net: 480, 576, 688, 864, 1200), each
    /// region pooled at the one where its scaled area is closest to <see cref="TargetSide"/>² (<see cref="PyramidLevel"/>);
    /// null or one value: one scale, <see cref="ShorterSide"/>.
    /// </summary>
    public IReadOnlyList<int>? Scales { get; init; }
    /// <summary>Multi-scale: the side whose square each region's scaled area is brought closest to (SPP-net: 224); null: the network's input side.</summary>
    public int? TargetSide { get; init; }
    /// <summary>The shorter sides the image is run at, smallest first.</summary>
    public IReadOnlyList<int> ShorterSides => Scales is { Count: > 1 } scales ? [.. scales.Distinct().Order()] : [Scales is [var one] ? one : ShorterSide];
    /// <summary>True when regions are pooled from several scales.</summary>
    public bool MultiScale => ShorterSides.Count > 1;
    /// <summary>Who pools the regions.</summary>
    public RoiPoolEngine Pool { get; init; } = RoiPoolEngine.Ort;
    /// <summary>Regions pooled and run through the head per ONNX Runtime call; bounds the memory of pooled rows.</summary>
    public int RegionBatch { get; init; } = 256;
}
