namespace LayerProbe.Features.Transforms;

/// <summary>
/// <c>binarize+loc</c> (the draft's <c>sm-bn-lc</c>): each channel becomes one-hot at its arg-max position (ties →
/// first in row-major order). A channel whose maximum is ≤ 0 becomes all zero: METHOD.md §3 says "max = 0", which is
/// the same thing for the non-negative post-ReLU/pool inputs the paper uses; ≤ 0 also keeps pre-ReLU inputs
/// consistent with <c>binarize</c> (x &gt; 0).
/// </summary>
public sealed class BinarizeWithLocation : IFeatureTransform
{
    /// <inheritdoc/>
    public string Name => "binarize+loc";
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
            if (input[c * p + at] > 0) output[c * p + at] = 1f;
        }
    }
}
