using LayerProbe.Probes;

namespace LayerProbe.Detection;

/// <summary>
/// Every number of R-CNN's detector training (docs/method.md §6.3–6.4, <c>rcnn_train.m</c>), with R-CNN's value as the
/// default. Recorded in manifests as is (and part of a <see cref="DetectorSetFile"/>'s key).
/// </summary>
public sealed record DetectorTrainingSettings
{
    /// <summary>A row is a negative of class c when its maximum overlap with c's GT boxes is below this (R-CNN: 0.3; rows at 0.3 or more are ignored).</summary>
    public double NegativeOverlap { get; init; } = 0.3;

    /// <summary>
    /// Whether GT rows of other classes can be negatives of a class (R-CNN: yes — <c>sample_negative_features</c> reads
    /// every row of the image, GT rows included, and keeps those with overlap below <see cref="NegativeOverlap"/>).
    /// </summary>
    public bool GroundTruthNegatives { get; init; } = true;

    /// <summary>Whether the first image adds all its negatives (R-CNN's <c>first_time</c>) rather than only hard ones.</summary>
    public bool FirstImageAllNegatives { get; init; } = true;

    /// <summary>After the first image, a negative is added when its score under the class's current model is above this (R-CNN's <c>hard_thresh</c> −1.0001).</summary>
    public double HardThreshold { get; init; } = -1.0001;

    /// <summary>A class is retrained when more than this many negatives were added since its last training (R-CNN's <c>retrain_limit</c> 2,000), and at the last image.</summary>
    public int RetrainAfter { get; init; } = 2000;

    /// <summary>After a retrain, cached negatives scoring below this are evicted (R-CNN's <c>evict_thresh</c> −1.2).</summary>
    public double EvictThreshold { get; init; } = -1.2;

    /// <summary>The SVM of each class (R-CNN: liblinear type 3, C = 0.001, w1 = 2, B = 10, eps 0.1).</summary>
    public SvmSettings Svm { get; init; } = SvmSettings.RcnnDetection;

    /// <summary>Mean feature norm after scaling (R-CNN: 20, §6.3).</summary>
    public double TargetNorm { get; init; } = FeatureScaling.RcnnTargetNorm;

    /// <summary>Rows sampled for the mean norm (R-CNN: 200 images × ≤ 200 rows = 40,000).</summary>
    public int ScalingSampleSize { get; init; } = 40_000;

    /// <summary>Seed of the scaling sample.</summary>
    public int ScalingSeed { get; init; } = 3;

    /// <summary>R-CNN's settings.</summary>
    public static DetectorTrainingSettings Rcnn => new();

    /// <summary>A one-line description for logs.</summary>
    public override string ToString() => System.FormattableString.Invariant(
        $"negatives overlap < {NegativeOverlap}{(GroundTruthNegatives ? " (GT rows of other classes too)" : "")}, first image {(FirstImageAllNegatives ? "all" : "hard")} negatives, hard > {HardThreshold}, retrain after > {RetrainAfter} new, evict < {EvictThreshold}, SVM {Svm.Loss} C {Svm.C} w1 {Svm.PositiveWeight} B {Svm.BiasFeature} eps {Svm.Tolerance}, scaling to mean norm {TargetNorm} over {ScalingSampleSize} rows (seed {ScalingSeed})");
}
