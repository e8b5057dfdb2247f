namespace LayerProbe.Features.Transforms;

/// <summary><c>unroll</c>: the feature flattened in Caffe order (c, y, x) — the stored row itself.</summary>
public sealed class Unroll : IFeatureTransform
{
    /// <inheritdoc/>
    public string Name => "unroll";
    /// <inheritdoc/>
    public TransformSettings Settings => new(Name);
    /// <inheritdoc/>
    public bool AppliesToFullyConnected => true;
    /// <inheritdoc/>
    public bool IsIdentity => true;
    /// <inheritdoc/>
    public int OutputDimensions(FeatureShape shape) => shape.Dimensions;
    /// <inheritdoc/>
    public void Apply(int item, ReadOnlySpan<float> input, FeatureShape shape, Span<float> output) => input.CopyTo(output);
}
