namespace LayerProbe.Features.Transforms;

/// <summary><c>binarize</c>: b = 1 where x &gt; 0, else 0, elementwise (threshold 0; docs/method.md §3).</summary>
public sealed class Binarize : IFeatureTransform
{
    /// <inheritdoc/>
    public string Name => "binarize";
    /// <inheritdoc/>
    public TransformSettings Settings => new(Name);
    /// <inheritdoc/>
    public bool AppliesToFullyConnected => true;
    /// <inheritdoc/>
    public int OutputDimensions(FeatureShape shape) => shape.Dimensions;
    /// <inheritdoc/>
    public void Apply(int item, ReadOnlySpan<float> input, FeatureShape shape, Span<float> output)
    {
        int j = 0;
        if (System.Numerics.Vector.IsHardwareAccelerated)
        {
            var one = System.Numerics.Vector<float>.One;
            var zero = System.Numerics.Vector<float>.Zero;
            int w = System.Numerics.Vector<float>.Count;
            for (; j <= input.Length - w; j += w)
            {
                var x = new System.Numerics.Vector<float>(input.Slice(j, w));
                System.Numerics.Vector.ConditionalSelect(System.Numerics.Vector.GreaterThan(x, zero), one, zero).CopyTo(output.Slice(j, w));
            }
        }
        for (; j < input.Length; j++) output[j] = input[j] > 0 ? 1f : 0f;
    }
}
