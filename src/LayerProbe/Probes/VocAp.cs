namespace LayerProbe.Probes;

/// <summary>
/// Average precision of one class. <see cref="ElevenPoint"/> is the VOC2007 devkit's 11-point AP;
/// <see cref="Area"/> the VOC2010+ area under the monotone precision envelope (devkit <c>VOCap.m</c>).
/// Both are NaN (and <see cref="IsValid"/> false) when the class has no positives. The 11-point AP is also NaN, as in
/// <c>VOCevaldet.m</c>, when detections exist but every one hit a difficult object (<see cref="IsUndefined"/>).
/// </summary>
public readonly record struct ApResult(double ElevenPoint, double Area, int Positives, int TruePositives, int FalsePositives)
{
    /// <summary>False when the class has no positives (AP undefined); such classes are skipped by <see cref="MeanAp"/>.</summary>
    public bool IsValid => Positives > 0;

    /// <summary>The devkit's NaN: positives exist but its arithmetic is 0/0 (all detections ignored); excluded from the mean with a note.</summary>
    public bool IsUndefined => IsValid && double.IsNaN(ElevenPoint);
}

/// <summary>
/// VOC average precision (docs/method.md §2.1, §6.7). Ranking uses <see cref="Ranking.Descending"/> (score descending,
/// ties in input order, like the devkit's stable MATLAB sort). Ranked entries that are neither TP nor FP (label 0,
/// detections of difficult objects) are dropped: in the devkit they repeat the previous recall/precision point (or
/// give NaN precision at the top, which MATLAB's max ignores), so dropping them leaves both APs unchanged — except
/// when every entry is such a one: then every precision is 0/0 = NaN, MATLAB's max over all-NaN values at t = 0 is
/// NaN, and the devkit's 11-point AP is NaN (VOCap's envelope, whose max ignores NaN against the 0 sentinel, gives 0).
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
        return FromRankedOutcomes(isTrue, npos, ignored: order.Length - isTrue.Count);
    }

    /// <summary>
    /// AP from a ranked list of outcomes (true = TP, false = FP; ignored entries already removed) and the number of
    /// positives <paramref name="npos"/> (recall denominator); <paramref name="ignored"/> entries were removed.
    /// </summary>
    public static ApResult FromRankedOutcomes(IReadOnlyList<bool> isTruePositive, int npos, int ignored = 0)
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
        if (n == 0 && ignored > 0) return new ApResult(double.NaN, 0, npos, 0, 0); // the devkit's 0/0 precisions
        return new ApResult(ElevenPoint(recall, precision), AreaUnderEnvelope(recall, precision), npos, tp, fp);
    }

    /// <summary>
    /// The devkit's recall thresholds: MATLAB's <c>0:0.1:1</c>, which is not {k/10}. MATLAB's colon builds the first
    /// half as a + k·d and the second half as b − (n − k)·d (<see cref="MatlabColon"/>), so its 4th element is
    /// 3 × 0.1 = 0.30000000000000004 and a recall of exactly 0.3 does not reach t = 0.3 in the devkit.
    /// </summary>
    public static IReadOnlyList<double> ElevenPointThresholds { get; } = MatlabColon(0, 0.1, 1);

    /// <summary>
    /// MATLAB's <c>a:d:b</c> for finite a, d &gt; 0, b ≥ a, as MathWorks describes its colon operator: n intervals with
    /// n = round((b − a)/d) (one less when a + n·d overshoots b by more than 2·eps·max(|a|,|b|)), right end c = a + n·d
    /// snapped to b within that tolerance, elements a + k·d for k ≤ n/2 and c − k·d from the right end, and for even n
    /// the middle element (a + c)/2.
    /// </summary>
    public static double[] MatlabColon(double a, double d, double b)
    {
        if (!(d > 0) || b < a || !double.IsFinite(a) || !double.IsFinite(b)) throw new ArgumentException("MatlabColon needs finite a <= b and d > 0");
        double eps = Math.BitIncrement(1.0) - 1.0; // MATLAB's eps
        double tol = 2.0 * eps * Math.Max(Math.Abs(a), Math.Abs(b));
        int n = (int)Math.Round((b - a) / d, MidpointRounding.AwayFromZero);
        if (a + n * d - b > tol) n--;
        double c = a + n * d;
        if (c - b > -tol) c = b;
        var v = new double[n + 1];
        for (int k = 0; k <= n / 2; k++)
        {
            v[k] = a + k * d;
            v[n - k] = c - k * d;
        }
        if (n % 2 == 0) v[n / 2] = (a + c) / 2;
        return v;
    }

    /// <summary>11-point AP: mean over t ∈ <see cref="ElevenPointThresholds"/> of max{precision : recall ≥ t} (0 if no such point).</summary>
    public static double ElevenPoint(ReadOnlySpan<double> recall, ReadOnlySpan<double> precision)
    {
        double ap = 0;
        foreach (double t in ElevenPointThresholds)
        {
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
