namespace LayerProbe.Detection;

/// <summary>
/// One class's scored proposals that survived R-CNN's pruning, before suppression: image order and, within an image,
/// best first (<see cref="RcnnPruning.Finish"/>), with the final threshold.
/// </summary>
/// <param name="Class">The class index (devkit order).</param>
/// <param name="Candidates">The surviving boxes.</param>
/// <param name="Threshold">The pruning's final threshold.</param>
public sealed record PrunedClass(int Class, IReadOnlyList<Candidate> Candidates, double Threshold);

/// <summary>
/// The test split's detections between pruning and NMS (<c>rcnn_test.m</c> saves exactly these, and
/// <c>rcnn_test_bbox_regressor.m</c> starts from them): per scored class its pruned candidates, with what scoring and
/// pruning cost. <see cref="DetectionTest.Evaluate"/> suppresses and evaluates them; box regression
/// (<see cref="BoxRegressionTest"/>) moves their boxes first.
/// </summary>
/// <param name="Layer">The detectors' layer.</param>
/// <param name="Classes">The classes that were scored (those with a detector), devkit order.</param>
/// <param name="Images">Test images.</param>
/// <param name="ProposalsScored">Proposals scored.</param>
/// <param name="Seconds">Wall seconds so far (scoring and pruning; box regression adds its own).</param>
/// <param name="Settings">The test-time settings.</param>
public sealed record PrunedDetections(string Layer, IReadOnlyList<PrunedClass> Classes, int Images, long ProposalsScored, double Seconds,
    DetectionSettings Settings);
