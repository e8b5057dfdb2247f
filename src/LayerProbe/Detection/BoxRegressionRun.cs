namespace LayerProbe.Detection;

/// <summary>What the bounding-box regression of one feature's detections read, where it wrote and what it cost.</summary>
/// <param name="Feature">The feature the regressors read (R-CNN: pool5, also for fc6/fc7 detectors).</param>
/// <param name="RegressorFile">The regressors' file (content-addressed beside the detectors, or given to <c>detect</c>).</param>
/// <param name="TrainingSeconds">Training seconds, or null when the regressors were read from their file.</param>
/// <param name="ApplySeconds">Seconds moving the pruned boxes (reading the feature rows, predicting, clipping).</param>
/// <param name="Comp4Folder">Where the regressed detections are in the devkit's format.</param>
/// <param name="WithoutRegressor">Classes that had no training pairs: their boxes are only clipped.</param>
public sealed record BoxRegressionRun(string Feature, string RegressorFile, double? TrainingSeconds, double ApplySeconds, string Comp4Folder,
    IReadOnlyList<string> WithoutRegressor)
{
    /// <summary>The run of <paramref name="regressors"/> read from or written to <paramref name="file"/>.</summary>
    public static BoxRegressionRun Of(BoxRegressors regressors, string file, double? trainingSeconds, double applySeconds, string comp4Folder) =>
        new(regressors.Layer, file, trainingSeconds, applySeconds, comp4Folder,
            [.. regressors.Classes.Where((_, c) => regressors.Models[c] is null)]);
}
