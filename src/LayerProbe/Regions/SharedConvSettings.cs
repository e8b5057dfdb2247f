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
    /// <summary>Who pools the regions.</summary>
    public RoiPoolEngine Pool { get; init; } = RoiPoolEngine.Ort;
    /// <summary>Regions pooled and run through the head per ONNX Runtime call; bounds the memory of pooled rows.</summary>
    public int RegionBatch { get; init; } = 256;
}
