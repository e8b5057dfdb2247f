namespace LayerProbe.Features.Transforms;

/// <summary>
/// <c>max+loc</c> (draft Fig. 2, last column): each channel keeps its maximum value at its arg-max position and is
/// zero elsewhere; ties → first position in row-major order.
/// </summary>
public sealed class MaxWithLocation : ArgMaxLocationTransform
{
    /// <inheritdoc/>
    public override string Name => "max+loc";
    /// <inheritdoc/>
    protected override float Keep(float max) => max;
}
