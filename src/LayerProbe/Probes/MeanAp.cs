namespace LayerProbe.Probes;

/// <summary>
/// Mean AP over the classes that have positives. Classes without positives (NaN AP) are never averaged silently:
/// they are excluded and named in <see cref="SkippedClasses"/>. Classes whose AP the devkit makes NaN
/// (<see cref="ApResult.IsUndefined"/>) are excluded from both means too and named in <see cref="UndefinedClasses"/>;
/// <see cref="Note"/> says so in one line for the console and the tables.
/// </summary>
public sealed record MeanAp(double ElevenPoint, double Area, int ValidClasses, IReadOnlyList<string> SkippedClasses)
{
    /// <summary>Classes with positives whose AP is NaN (every detection hit a difficult object), left out of the mean.</summary>
    public IReadOnlyList<string> UndefinedClasses { get; init; } = [];

    /// <summary>One line naming the classes left out of the mean, or null when none are.</summary>
    public string? Note => (SkippedClasses.Count, UndefinedClasses.Count) switch
    {
        (0, 0) => null,
        var (s, u) => $"mAP over {ValidClasses} classes; left out: " + string.Join("; ", new[]
        {
            s > 0 ? $"{string.Join(", ", SkippedClasses)} (no positives)" : null,
            u > 0 ? $"{string.Join(", ", UndefinedClasses)} (AP NaN as in the devkit: every detection hit a difficult object)" : null,
        }.Where(x => x is not null)),
    };

    /// <summary>Averages the per-class results; mean is NaN when no class is valid.</summary>
    public static MeanAp Of(IReadOnlyList<(string ClassName, ApResult Ap)> perClass)
    {
        double s11 = 0, sArea = 0;
        int n = 0;
        var skipped = new List<string>();
        var undefined = new List<string>();
        foreach (var (name, ap) in perClass)
        {
            if (!ap.IsValid) { skipped.Add(name); continue; }
            if (ap.IsUndefined) { undefined.Add(name); continue; }
            s11 += ap.ElevenPoint; sArea += ap.Area; n++;
        }
        var mean = n == 0 ? new MeanAp(double.NaN, double.NaN, 0, skipped) : new MeanAp(s11 / n, sArea / n, n, skipped);
        return mean with { UndefinedClasses = undefined };
    }
}
