namespace LayerProbe.Features.Transforms;

/// <summary>
/// <c>max+loc</c> (draft Fig. 2, last column): each channel keeps its maximum value at its arg-max position and is
/// zero elsewhere; ties → first position in row-major order.
/// </summary>
public sealed class MaxWithLocation : IFeatureTransform
{
    /// <inheritdoc/>
    public string Name => "max+loc";
    /// <inheritdoc/>
    public TransformSettings Settings => new(Name);
    /// <inheritdoc/>
    public bool AppliesToFullyConnected => false;
    /// <inheritdoc/>
    public int OutputDimensions(FeatureShape shape) => shape.Dimensions;
    /// <inheritdoc/>
    public void Apply(int item, ReadOnlySpan<float> input, FeatureShape shape, Span<float> output)
    {
        int p = shape.Positions;
        output[..shape.Dimensions].Clear();
        for (int c = 0; c < shape.Channels; c++)
        {
            int at = ChannelArgMax.Of(input.Slice(c * p, p));
            output[c * p + at] = input[c * p + at];
        }
    }
}
