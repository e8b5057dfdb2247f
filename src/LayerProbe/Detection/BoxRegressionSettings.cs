namespace LayerProbe.Detection;

/// <summary>
/// Settings of R-CNN's bounding-box regression (docs/method.md §6.6; <c>rcnn_train_bbox_regressor.m</c>), recorded in
/// manifests as they are. The defaults are R-CNN's.
/// </summary>
/// <param name="Lambda">Ridge penalty λ on every coefficient, the bias coefficient included (R-CNN: 1000).</param>
/// <param name="MinOverlap">A region is a training pair when its IoU with the GT box it overlaps most is strictly
/// above this (R-CNN's code: <c>O &gt; min_overlap</c> with min_overlap = 0.6).</param>
/// <param name="WhiteningRidge">Added to the eigenvalues of the targets' covariance before whitening (R-CNN: 0.001).</param>
/// <param name="BlockRows">Feature rows gathered per block while the normal equations are accumulated (memory only).</param>
public sealed record BoxRegressionSettings(double Lambda = 1000, double MinOverlap = 0.6, double WhiteningRidge = 0.001, int BlockRows = 256)
{
    /// <summary>R-CNN's settings.</summary>
    public static BoxRegressionSettings Rcnn => new();

    /// <summary>Throws when a value cannot work (λ ≤ 0 would leave the normal equations possibly singular).</summary>
    public void Validate()
    {
        if (!(Lambda > 0) || !double.IsFinite(Lambda)) throw new LayerProbeException($"box regression: lambda must be a positive number (got {Lambda})");
        if (!(MinOverlap >= 0 && MinOverlap < 1)) throw new LayerProbeException($"box regression: min overlap must be in [0, 1) (got {MinOverlap})");
        if (!(WhiteningRidge > 0) || !double.IsFinite(WhiteningRidge)) throw new LayerProbeException($"box regression: whitening ridge must be positive (got {WhiteningRidge})");
        if (BlockRows < 1) throw new LayerProbeException($"box regression: block rows must be ≥ 1 (got {BlockRows})");
    }
}
