namespace LayerProbe.Probes;

/// <summary>
/// Average precision of one class. <see cref="ElevenPoint"/> is the VOC2007 devkit's 11-point AP;
/// <see cref="Area"/> the VOC2010+ area under the monotone precision envelope (devkit <c>VOCap.m</c>).
/// Both are NaN (and <see cref="IsValid"/> false) when the class has no positives.
/// </summary>
public readonly record struct ApResult(double ElevenPoint, double Area, int Positives, int TruePositives, int FalsePositives)
{
    /// <summary>False when the class has no positives (AP undefined); such classes are skipped by <see cref="MeanAp"/>.</summary>
    public bool IsValid => Positives > 0;
}

/// <summary>
/// VOC average precision (METHOD.md §2.1, §6.7). Ranking uses <see cref="Ranking.Descending"/> (score descending,
/// ties in input order, like the devkit's stable MATLAB sort). Ranked entries that are neither TP nor FP (label 0,
/// detections of difficult objects) are dropped: in the devkit they repeat the previous recall/precision point (or
/// give NaN precision at the top, which MATLAB's max ignores), so dropping them leaves both APs unchanged.
/// </summary>
public static class VocAp
{
    /// <summary>
    /// Classification AP per <c>VOCevalcls</c>: labels +1 (TP when retrieved), −1 (FP), 0 (ignored). A missing score
    /// should be passed as −∞.
    /// </summary>
    public static ApResult Classification(ReadOnlySpan<double> scores, ReadOnlySpan<sbyte> labels)
    {
        if (scores.Length != labels.Length)
            throw new ArgumentException($"{scores.Length} scores but {labels.Length} labels");
        int[] order = Ranking.Descending(scores);
        var isTrue = new List<bool>(order.Length);
        int npos = 0;
        foreach (var l in labels) if (l > 0) npos++;
        foreach (int i in order)
        {
            if (labels[i] > 0) isTrue.Add(true);
            else if (labels[i] < 0) isTrue.Add(false);
        }
        return FromRankedOutcomes(isTrue, npos);
    }

    /// <summary>
    /// AP from a ranked list of outcomes (true = TP, false = FP; ignored entries already removed) and the number of
    /// positives <paramref name="npos"/> (recall denominator).
    /// </summary>
    public static ApResult FromRankedOutcomes(IReadOnlyList<bool> isTruePositive, int npos)
    {
        int n = isTruePositive.Count;
        var recall = new double[n];
        var precision = new double[n];
        int tp = 0, fp = 0;
        for (int r = 0; r < n; r++)
        {
            if (isTruePositive[r]) tp++; else fp++;
            recall[r] = npos > 0 ? (double)tp / npos : double.NaN;
            precision[r] = (double)tp / (tp + fp);
        }
        if (npos <= 0) return new ApResult(double.NaN, double.NaN, 0, tp, fp);
        return new ApResult(ElevenPoint(recall, precision), AreaUnderEnvelope(recall, precision), npos, tp, fp);
    }

    /// <summary>11-point AP: mean over t ∈ {0, 0.1, …, 1} of max{precision : recall ≥ t} (0 if no such point).</summary>
    public static double ElevenPoint(ReadOnlySpan<double> recall, ReadOnlySpan<double> precision)
    {
        double ap = 0;
        for (int k = 0; k <= 10; k++)
        {
            double t = k / 10.0; // the devkit's 0:0.1:1 gives exactly these doubles
            double p = 0;
            for (int r = 0; r < recall.Length; r++)
                if (recall[r] >= t && precision[r] > p) p = precision[r];
            ap += p / 11;
        }
        return ap;
    }

    /// <summary>
    /// VOC2010+ AP: precision made monotone decreasing from the right (envelope), then summed over the recall steps:
    /// Σ (r<sub>i+1</sub> − r<sub>i</sub>)·p<sub>i+1</sub> with sentinels r = 0 … 1, p = 0 … 0.
    /// </summary>
    public static double AreaUnderEnvelope(ReadOnlySpan<double> recall, ReadOnlySpan<double> precision)
    {
        int n = recall.Length;
        var mrec = new double[n + 2];
        var mpre = new double[n + 2];
        mrec[n + 1] = 1;
        for (int r = 0; r < n; r++) { mrec[r + 1] = recall[r]; mpre[r + 1] = precision[r]; }
        for (int i = n; i >= 0; i--) mpre[i] = Math.Max(mpre[i], mpre[i + 1]);
        double ap = 0;
        for (int i = 0; i <= n; i++)
            if (mrec[i + 1] != mrec[i]) ap += (mrec[i + 1] - mrec[i]) * mpre[i + 1];
        return ap;
    }
}
