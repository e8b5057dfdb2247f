using LayerProbe.Probes;

namespace LayerProbe.Analyses;

/// <summary>How probes are trained: the solver, its SVM settings and the C grid (a single value means no search).</summary>
public sealed record ProbeSettings
{
    /// <summary>The solvers by name.</summary>
    public static IReadOnlyList<string> Solvers { get; } = ["dual-cd", "batched-newton"];

    /// <summary>
    /// Solver name: <c>dual-cd</c> (liblinear's dual coordinate descent, all classes in one pass over the features;
    /// squared hinge unless <see cref="Svm"/> says hinge) or <c>batched-newton</c> (primal Newton-CG, squared hinge).
    /// </summary>
    public string Solver { get; init; } = "dual-cd";
    /// <summary>SVM settings; C is replaced by each grid value.</summary>
    public SvmSettings Svm { get; init; } = SvmSettings.Probe;
    /// <summary>C values tried on the validation split.</summary>
    public IReadOnlyList<double> CGrid { get; init; } = CSelection.RcnnGrid;

    /// <summary>Settings of the named solver with its own defaults (tolerance, loss); unknown names are a clear error.</summary>
    public static ProbeSettings For(string solver) => solver switch
    {
        "dual-cd" => new ProbeSettings(),
        "batched-newton" => new ProbeSettings { Solver = solver, Svm = BatchedNewtonSvm.Tuned(SvmSettings.Probe) },
        _ => throw UnknownSolver(solver),
    };

    /// <summary>A C grid written as comma-separated positive numbers (one value: no search); errors name the <c>cGrid</c> parameter.</summary>
    public static IReadOnlyList<double> ParseGrid(string text)
    {
        var grid = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(v =>
            double.TryParse(v, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var c) && c > 0 && double.IsFinite(c) ? c
                : throw LayerProbeException.ForParameter("cGrid", $"'{v}' is not a positive number")).ToList();
        return grid.Count > 0 ? grid : throw LayerProbeException.ForParameter("cGrid", "no C value given");
    }

    /// <summary>The one C of a grid that must not search (grandmother cells, heads); a longer grid is an error.</summary>
    public static double SingleC(string text) => ParseGrid(text) is [var c] ? c
        : throw LayerProbeException.ForParameter("cGrid", $"'{text}': this analysis trains at one C (no search); give one value");

    /// <summary>The solver as a function; unknown names are a clear error.</summary>
    public OneVsRestTrainer Trainer() => Solver switch
    {
        "dual-cd" => DualCoordinateDescentSvm.TrainOneVsRest,
        "batched-newton" => BatchedNewtonSvm.Train,
        _ => throw UnknownSolver(Solver),
    };

    static LayerProbeException UnknownSolver(string solver) => LayerProbeException.ForParameter("solver", $"unknown solver '{solver}' ({string.Join(", ", Solvers)})");
}
