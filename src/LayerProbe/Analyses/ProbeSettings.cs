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
    public SvmSettings Svm { get; init; } = DualCoordinateDescentSvm.Defaults(positiveWeight: 1);
    /// <summary>C values tried on the validation split.</summary>
    public IReadOnlyList<double> CGrid { get; init; } = CSelection.RcnnGrid;

    /// <summary>Settings of the named solver with its own defaults (tolerance, loss); unknown names are a clear error.</summary>
    public static ProbeSettings For(string solver) => solver switch
    {
        "dual-cd" => new ProbeSettings(),
        "batched-newton" => new ProbeSettings { Solver = solver, Svm = BatchedNewtonSvm.Defaults(positiveWeight: 1) },
        _ => throw UnknownSolver(solver),
    };

    /// <summary>The solver as a function; unknown names are a clear error.</summary>
    public OneVsRestTrainer Trainer() => Solver switch
    {
        "dual-cd" => DualCoordinateDescentSvm.TrainOneVsRest,
        "batched-newton" => BatchedNewtonSvm.Train,
        _ => throw UnknownSolver(Solver),
    };

    static LayerProbeException UnknownSolver(string solver) => new($"probe: unknown solver '{solver}' ({string.Join(", ", Solvers)})");
}
