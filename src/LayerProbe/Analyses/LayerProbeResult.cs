using LayerProbe.Probes;

namespace LayerProbe.Analyses;

/// <summary>What the probes of one layer scored on the test split.</summary>
/// <param name="Layer">Layer name as requested (paper vocabulary or graph value).</param>
/// <param name="Shape">Feature shape per item (C×H×W, or the flat length).</param>
/// <param name="PerClass">AP of every class (11-point and area); classes without test positives are invalid.</param>
/// <param name="Mean">mAP over classes with positives, naming the skipped ones.</param>
/// <param name="Training">Solver, C grid results, chosen C, scaling — for the manifest.</param>
/// <param name="Seconds">Probe time for this layer (scaling, C search, retrain, scoring).</param>
public sealed record LayerProbeResult(string Layer, int[] Shape, IReadOnlyList<(string ClassName, ApResult Ap)> PerClass,
    MeanAp Mean, ProbeTrainingRecord Training, double Seconds)
{
    /// <summary>Feature dimensions per item.</summary>
    public long Dimensions => Shape.Aggregate(1L, (a, b) => a * b);
}
