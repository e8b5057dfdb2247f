namespace LayerProbe.Features.Transforms;

/// <summary>
/// <c>binarize+loc</c> (the draft's <c>sm-bn-lc</c>): each channel becomes one-hot at its arg-max position (ties →
/// first in row-major order). A channel whose maximum is ≤ 0 becomes all zero: docs/method.md §3 says "max = 0", which is
/// the same thing for the non-negative post-ReLU/pool inputs the paper uses; ≤ 0 also keeps pre-ReLU inputs
/// consistent with <c>binarize</c> (x &gt; 0).
/// </summary>
public sealed class BinarizeWithLocation : ArgMaxLocationTransform
{
    /// <inheritdoc/>
    public override string Name => "binarize+loc";
    /// <inheritdoc/>
    protected override float Keep(float max) => max > 0 ? 1f : 0f;
}
