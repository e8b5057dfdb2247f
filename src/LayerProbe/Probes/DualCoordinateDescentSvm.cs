namespace LayerProbe.Probes;

/// <summary>
/// Dual coordinate descent for L2-regularised linear SVMs (Hsieh et al., ICML 2008 — the algorithm of liblinear's
/// solver types 3 (hinge) and 1 (squared hinge)). Dual: min ½αᵀ(Q + D)α − Σα, 0 ≤ αᵢ ≤ Uᵢ, with Qᵢⱼ = yᵢyⱼ x̂ᵢ·x̂ⱼ
/// on items extended by the bias feature B. Hinge: Uᵢ = Cᵢ, D = 0. Squared hinge: Uᵢ = ∞, Dᵢᵢ = 1/(2Cᵢ).
/// Cᵢ = C·w1 for positives, C for negatives. Coordinates are visited in a seeded random permutation per pass, with
/// shrinking of bounded coordinates; stop when the projected-gradient spread max − min ≤ <see cref="SvmSettings.Tolerance"/>
/// on the full set. Labels 0 are left out. Weights are kept in double, reading float rows as they come.
/// </summary>
public static class DualCoordinateDescentSvm
{
    /// <summary>Trains one binary SVM; <paramref name="labels"/> holds +1 / −1 / 0 (ignored) per row.</summary>
    public static LinearModel Train(IFeatureRows x, ReadOnlySpan<sbyte> labels, SvmSettings settings) =>
        Train(x, labels, settings, out _);

    /// <summary>As <see cref="Train(IFeatureRows, ReadOnlySpan{sbyte}, SvmSettings)"/>, reporting the passes made.</summary>
    public static LinearModel Train(IFeatureRows x, ReadOnlySpan<sbyte> labels, SvmSettings settings, out int passes)
    {
        if (labels.Length != x.Count) throw new ArgumentException($"{labels.Length} labels for {x.Count} rows");
        int dims = x.Dimensions;
        double bias = settings.BiasFeature > 0 ? settings.BiasFeature : 0;
        var items = new List<int>();
        for (int i = 0; i < labels.Length; i++) if (labels[i] != 0) items.Add(i);
        int l = items.Count;
        var y = new sbyte[l];
        var qd = new double[l];
        var upper = new double[l];
        var diag = new double[l];
        for (int s = 0; s < l; s++)
        {
            int i = items[s];
            y[s] = labels[i];
            double ci = settings.C * (y[s] > 0 ? settings.PositiveWeight : 1);
            if (settings.Loss == SvmLoss.Hinge) { upper[s] = ci; diag[s] = 0; }
            else { upper[s] = double.PositiveInfinity; diag[s] = 0.5 / ci; }
            var row = x.Row(i);
            qd[s] = diag[s] + VectorMath.Dot(row, row) + bias * bias;
        }

        var w = new double[dims];
        double wBias = 0;
        var alpha = new double[l];
        var index = new int[l];
        for (int s = 0; s < l; s++) index[s] = s;
        var rng = new Random(settings.Seed);
        int active = l;
        double pgMaxOld = double.PositiveInfinity, pgMinOld = double.NegativeInfinity;
        passes = 0;
        while (passes < settings.MaxIterations)
        {
            double pgMaxNew = double.NegativeInfinity, pgMinNew = double.PositiveInfinity;
            for (int s = 0; s < active; s++)
            {
                int j = s + rng.Next(active - s);
                (index[s], index[j]) = (index[j], index[s]);
            }
            for (int s = 0; s < active; s++)
            {
                int t = index[s];
                var row = x.Row(items[t]);
                double g = y[t] * (VectorMath.Dot(row, w) + wBias * bias) - 1 + alpha[t] * diag[t];
                double pg = 0;
                if (alpha[t] == 0)
                {
                    if (settings.Shrinking && g > pgMaxOld) { active--; (index[s], index[active]) = (index[active], index[s]); s--; continue; }
                    if (g < 0) pg = g;
                }
                else if (alpha[t] == upper[t])
                {
                    if (settings.Shrinking && g < pgMinOld) { active--; (index[s], index[active]) = (index[active], index[s]); s--; continue; }
                    if (g > 0) pg = g;
                }
                else pg = g;
                pgMaxNew = Math.Max(pgMaxNew, pg);
                pgMinNew = Math.Min(pgMinNew, pg);
                if (Math.Abs(pg) > 1e-12)
                {
                    double old = alpha[t];
                    alpha[t] = Math.Min(Math.Max(old - g / qd[t], 0), upper[t]);
                    double d = (alpha[t] - old) * y[t];
                    VectorMath.AddScaled(w, d, row);
                    wBias += d * bias;
                }
            }
            passes++;
            if (pgMaxNew - pgMinNew <= settings.Tolerance)
            {
                if (active == l) break;
                active = l; pgMaxOld = double.PositiveInfinity; pgMinOld = double.NegativeInfinity;
                continue;
            }
            pgMaxOld = pgMaxNew <= 0 ? double.PositiveInfinity : pgMaxNew;
            pgMinOld = pgMinNew >= 0 ? double.NegativeInfinity : pgMinNew;
        }
        var wf = new float[dims];
        for (int d = 0; d < dims; d++) wf[d] = (float)w[d];
        return new LinearModel(wf, wBias * bias);
    }

    /// <summary>One binary SVM per class of <paramref name="labels"/>.</summary>
    public static LinearModel[] TrainOneVsRest(IFeatureRows x, OneVsRestLabels labels, SvmSettings settings)
    {
        var models = new LinearModel[labels.Classes];
        for (int k = 0; k < models.Length; k++) models[k] = Train(x, labels.Of(k), settings);
        return models;
    }
}
