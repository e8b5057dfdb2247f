namespace LayerProbe.Analyses;

/// <summary>Threshold variants of the label-entropy curve (docs/method.md §5.1 step 4).</summary>
public enum EntropyThresholds
{
    /// <summary>R: S_k = top ⌈k·N/100⌉ items by response, extended to every item tied with the cut value (default).</summary>
    Rank,
    /// <summary>V: S_k = items with response ≥ a_max − k·(a_max − a_min)/100.</summary>
    Value,
}

/// <summary>
/// Label entropy of one unit (docs/method.md §5.1): sort items by the unit's response (descending), take the class
/// histogram of the top set S_k at 100 thresholds, H_k = −Σ p log2 p (bits), and E_u = mean of H_k over the thresholds
/// with non-empty S_k (area under the H-vs-fraction curve).
/// </summary>
public static class LabelEntropy
{
    /// <summary>Number of thresholds of the paper's definition.</summary>
    public const int Thresholds = 100;

    /// <summary>Entropy (bits) of a class-count histogram with <paramref name="total"/> items.</summary>
    public static double Of(ReadOnlySpan<int> counts, int total)
    {
        if (total <= 0) return double.NaN;
        double h = 0;
        foreach (int c in counts)
            if (c > 0) { double p = (double)c / total; h -= p * Math.Log2(p); }
        return h;
    }

    /// <summary>Entropy (bits) of the label distribution of all items — H(prior) = H_100 of variant R.</summary>
    public static double Prior(ReadOnlySpan<int> labels, int classes)
    {
        var counts = new int[classes];
        foreach (int y in labels) counts[y]++;
        return Of(counts, labels.Length);
    }

    /// <summary>
    /// The curve H_1..H_T of one unit; NaN where S_k is empty; NaN responses rank last.
    /// </summary>
    public static double[] Curve(ReadOnlySpan<float> responses, ReadOnlySpan<int> labels, int classes,
        EntropyThresholds variant, int thresholds = Thresholds)
    {
        int n = responses.Length;
        if (labels.Length != n) throw new ArgumentException($"{n} responses but {labels.Length} labels");
        var curve = new double[thresholds];
        if (n == 0) { Array.Fill(curve, double.NaN); return curve; }
        // Sorted by response descending. The order among equal responses cannot change any H_k (both variants take
        // tied items together), so a plain unstable key sort is enough — and much faster than a comparison delegate.
        var keys = new float[n];
        var order = new int[n];
        for (int i = 0; i < n; i++) { keys[i] = float.IsNaN(responses[i]) ? float.PositiveInfinity : -responses[i]; order[i] = i; }
        Array.Sort(keys, order);
        var counts = new int[classes];
        int taken = 0;
        float aMax = responses[order[0]], aMin = responses[order[n - 1]];
        for (int k = 1; k <= thresholds; k++)
        {
            int target;
            if (variant == EntropyThresholds.Rank)
            {
                target = (int)(((long)k * n + thresholds - 1) / thresholds); // ⌈k·N/T⌉
                float cut = responses[order[target - 1]];
                while (target < n && responses[order[target]] == cut) target++; // ties at the cut are included
            }
            else
            {
                double t = k == thresholds ? aMin : aMax - k * ((double)aMax - aMin) / thresholds;
                target = taken;
                while (target < n && responses[order[target]] >= t) target++;
            }
            for (; taken < target; taken++) counts[labels[order[taken]]]++;
            curve[k - 1] = taken == 0 ? double.NaN : Of(counts, taken);
        }
        return curve;
    }

    /// <summary>E_u: mean of the defined points of <see cref="Curve"/>.</summary>
    public static double OfUnit(ReadOnlySpan<float> responses, ReadOnlySpan<int> labels, int classes,
        EntropyThresholds variant)
    {
        var curve = Curve(responses, labels, classes, variant);
        double sum = 0;
        int m = 0;
        foreach (var h in curve) if (!double.IsNaN(h)) { sum += h; m++; }
        return m == 0 ? double.NaN : sum / m;
    }
}
