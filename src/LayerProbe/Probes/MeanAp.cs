namespace LayerProbe.Probes;

/// <summary>
/// Mean AP over the classes that have positives. Classes without positives (NaN AP) are never averaged silently:
/// they are excluded and named in <see cref="SkippedClasses"/>.
/// </summary>
public sealed record MeanAp(double ElevenPoint, double Area, int ValidClasses, IReadOnlyList<string> SkippedClasses)
{
    /// <summary>Averages the per-class results; mean is NaN when no class is valid.</summary>
    public static MeanAp Of(IReadOnlyList<(string ClassName, ApResult Ap)> perClass)
    {
        double s11 = 0, sArea = 0;
        int n = 0;
        var skipped = new List<string>();
        foreach (var (name, ap) in perClass)
        {
            if (!ap.IsValid) { skipped.Add(name); continue; }
            s11 += ap.ElevenPoint; sArea += ap.Area; n++;
        }
        return n == 0 ? new MeanAp(double.NaN, double.NaN, 0, skipped) : new MeanAp(s11 / n, sArea / n, n, skipped);
    }
}
