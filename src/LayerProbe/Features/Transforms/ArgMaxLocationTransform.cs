namespace LayerProbe.Features.Transforms;

/// <summary>
/// The "keep location" family of draft Fig. 2: per channel, one value at the channel's arg-max position (ties → first
/// in row-major order), zero elsewhere. Subclasses say which value the arg-max position keeps.
/// </summary>
public abstract class ArgMaxLocationTransform : IFeatureTransform
{
    /// <inheritdoc/>
    public abstract string Name { get; }
    /// <inheritdoc/>
    public TransformSettings Settings => new(Name);
    /// <inheritdoc/>
    public bool AppliesToFullyConnected => false;
    /// <inheritdoc/>
    public int OutputDimensions(FeatureShape shape) => shape.Dimensions;

    /// <summary>The value written at the arg-max position of a channel whose maximum is <paramref name="max"/>.</summary>
    protected abstract float Keep(float max);

    /// <inheritdoc/>
    public void Apply(int item, ReadOnlySpan<float> input, FeatureShape shape, Span<float> output)
    {
        int p = shape.Positions;
        output[..shape.Dimensions].Clear();
        for (int c = 0; c < shape.Channels; c++)
        {
            int at = ChannelArgMax.Of(input.Slice(c * p, p));
            output[c * p + at] = Keep(input[c * p + at]);
        }
    }
}
