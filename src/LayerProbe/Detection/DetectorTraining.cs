namespace LayerProbe.Detection;

/// <summary>
/// The outcome of <see cref="HardNegativeMining.Train"/>: the detectors, the classes that got none (no positives; named,
/// never scored as 0), every retrain in order and the final caches (row indices), so that the schedule can be checked
/// and reported.
/// </summary>
/// <param name="Detectors">One detector per class with positives (null for the others).</param>
/// <param name="ClassesWithoutPositives">Names of the classes that had no GT row and therefore no detector.</param>
/// <param name="Warnings">One sentence per class left without a detector (no positives, or no negatives at all).</param>
/// <param name="Retrains">Every retrain: image index, class, cache sizes, evictions, solver passes.</param>
/// <param name="Caches">The final cache of every class (null for classes without positives), after the last eviction.</param>
/// <param name="Settings">The settings used.</param>
/// <param name="Solver">The solver's name.</param>
/// <param name="Seconds">Wall time of the whole training (scaling estimate, mining and retraining).</param>
public sealed record DetectorTraining(
    DetectorSet Detectors,
    IReadOnlyList<string> ClassesWithoutPositives,
    IReadOnlyList<string> Warnings,
    IReadOnlyList<DetectorRetrain> Retrains,
    IReadOnlyList<ClassCache?> Caches,
    DetectorTrainingSettings Settings,
    string Solver,
    double Seconds);

/// <summary>One retraining of one class (R-CNN's ">>> Updating CLASS detector &lt;&lt;&lt;").</summary>
/// <param name="Image">Image index (0-based, split order) after whose negatives the class was retrained.</param>
/// <param name="Class">Class index.</param>
/// <param name="Positives">Positives in the cache.</param>
/// <param name="Negatives">Negatives the model was trained on.</param>
/// <param name="Evicted">Negatives evicted afterwards (score below the eviction threshold).</param>
/// <param name="Passes">Solver passes (0 when the solver does not say).</param>
public sealed record DetectorRetrain(int Image, int Class, int Positives, int Negatives, int Evicted, int Passes);
