using LayerProbe.Probes;

namespace LayerProbe.Analyses;

/// <summary>How probes are trained: the solver, its SVM settings and the C grid (a single value means no search).</summary>
public sealed record ProbeSettings
{
    /// <summary>Solver name: <c>batched-newton</c> (all classes at once, squared hinge) or <c>dual-cd</c> (liblinear-equivalent hinge).</summary>
    public string Solver { get; init; } = "batched-newton";
    /// <summary>SVM settings; C is replaced by each grid value.</summary>
    public SvmSettings Svm { get; init; } = BatchedNewtonSvm.Defaults(positiveWeight: 1);
    /// <summary>C values tried on the validation split.</summary>
    public IReadOnlyList<double> CGrid { get; init; } = CSelection.RcnnGrid;

    /// <summary>The solver as a function; unknown names are a clear error.</summary>
    public OneVsRestTrainer Trainer() => Solver switch
    {
        "batched-newton" => BatchedNewtonSvm.Train,
        "dual-cd" => DualCoordinateDescentSvm.TrainOneVsRest,
        _ => throw new LayerProbeException($"probe: unknown solver '{Solver}' (batched-newton, dual-cd)"),
    };
}
