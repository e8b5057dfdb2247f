namespace LayerProbe.Features.Transforms;

/// <summary><c>sp-max</c>: each channel's maximum over its H×W positions (C values; 256 for pool5).</summary>
public sealed class SpatialMax : IFeatureTransform
{
    /// <inheritdoc/>
    public string Name => "sp-max";
    /// <inheritdoc/>
    public TransformSettings Settings => new(Name);
    /// <inheritdoc/>
    public bool AppliesToFullyConnected => false;
    /// <inheritdoc/>
    public int OutputDimensions(FeatureShape shape) => shape.Channels;
    /// <inheritdoc/>
    public void Apply(int item, ReadOnlySpan<float> input, FeatureShape shape, Span<float> output)
    {
        int p = shape.Positions;
        for (int c = 0; c < shape.Channels; c++)
            output[c] = System.Numerics.Tensors.TensorPrimitives.Max(input.Slice(c * p, p));
    }
}
