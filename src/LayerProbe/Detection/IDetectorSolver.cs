using LayerProbe.Probes;

namespace LayerProbe.Detection;

/// <summary>
/// Trains the detectors of the classes whose retraining is due, each on its own cache (positives +1, cached negatives
/// −1), from scaled feature rows. <see cref="HardNegativeMining"/> calls it at every retrain point with all due classes
/// at once, so a solver may share reads of rows between classes.
/// </summary>
public interface IDetectorSolver
{
    /// <summary>A short name for logs and benchmark lines.</summary>
    string Name { get; }

    /// <summary>One model (and the solver passes it took, 0 if unknown) per cache of <paramref name="due"/>, in order.</summary>
    (LinearModel Model, int Passes)[] Train(IFeatureRows scaledRows, IReadOnlyList<ClassCache> due, SvmSettings settings);
}
