namespace LayerProbe.Probes;

/// <summary>Loss of an L2-regularised linear SVM (liblinear vocabulary).</summary>
public enum SvmLoss
{
    /// <summary>Hinge loss max(0, 1 − y·f) — liblinear solver type 3 (dual).</summary>
    Hinge,
    /// <summary>Squared hinge loss max(0, 1 − y·f)² — liblinear types 1 (dual) and 2 (primal).</summary>
    SquaredHinge,
}

/// <summary>
/// Settings of a linear SVM, with liblinear semantics: minimise ½‖w‖² + Σ C·(w1 if y = +1)·loss, where every item is
/// extended by a constant feature of value <see cref="BiasFeature"/> (so the bias b = B·w_B is regularised as
/// (b/B)²/2); B ≤ 0 means no bias. Recorded in manifests as is.
/// </summary>
public sealed record SvmSettings(
    SvmLoss Loss,
    double C,
    double PositiveWeight,
    double BiasFeature,
    double Tolerance,
    int MaxIterations = 1000,
    int Seed = 1,
    bool Shrinking = true)
{
    /// <summary>
    /// The layer-wise probes' SVM (and every analysis that says it uses the probes' settings: grandmother cells, heads):
    /// squared hinge (liblinear type 1), C = 0.001 before the grid search, w1 = 1 (positives and negatives weigh the same),
    /// B = 10, tolerance <see cref="DualCoordinateDescentSvm.DefaultTolerance"/>.
    /// </summary>
    public static SvmSettings Probe => new(SvmLoss.SquaredHinge, 0.001, 1, 10, DualCoordinateDescentSvm.DefaultTolerance);

    /// <summary>R-CNN's detection SVM (docs/method.md §6.4): hinge, C = 0.001, w1 = 2, B = 10, liblinear's eps 0.1.</summary>
    public static SvmSettings RcnnDetection => new(SvmLoss.Hinge, 0.001, 2, 10, 0.1);
}

/// <summary>A trained linear classifier: decision = w·x + Bias.</summary>
public sealed record LinearModel(float[] Weights, double Bias)
{
    /// <summary>Decision value of one feature row.</summary>
    public double Decision(ReadOnlySpan<float> x) => VectorMath.Dot(x, Weights) + Bias;

    /// <summary>Decision values of all rows.</summary>
    public double[] Decisions(IFeatureRows rows)
    {
        var d = new double[rows.Count];
        for (int i = 0; i < d.Length; i++) d[i] = Decision(rows.Row(i));
        return d;
    }
}
