using System.Diagnostics;
using LayerProbe.Data;
using LayerProbe.Features;
using LayerProbe.Regions;

namespace LayerProbe.Detection;

/// <summary>
/// Bounding-box regression at test time as <c>rcnn_test_bbox_regressor.m</c> applies it (docs/method.md §6.6): the boxes
/// that survived R-CNN's pruning (<see cref="PrunedDetections"/>: top 100 per image and class, then the per-class
/// threshold) are each moved by their class's regressor from the region's row of the regressors' feature store (R-CNN:
/// pool5, whatever layer the detectors read) and clipped to the image; scores are unchanged. Suppression and evaluation
/// follow on the moved boxes (<see cref="DetectionTest.Evaluate"/>). A class without a regressor keeps its boxes
/// (clipped).
/// </summary>
public static class BoxRegressionTest
{
    /// <summary>
    /// Moves the boxes of <paramref name="pruned"/> (detections on <paramref name="regions"/>) with
    /// <paramref name="regressors"/>, reading their feature from <paramref name="storeDirectory"/>; <paramref name="source"/>
    /// names the regressors in error lines. Returns the moved detections, their seconds including this step's.
    /// </summary>
    public static PrunedDetections Apply(BoxRegressors regressors, PrunedDetections pruned, VocRegions regions, string storeDirectory, string source)
    {
        if (!regressors.Classes.SequenceEqual(regions.Classes))
            throw LayerProbeException.For(source, $"box regressors for the classes {RegionScorer.Names(regressors.Classes)}, but {regions.Devkit.Root} has {RegionScorer.Names(regions.Classes)}");
        var clock = Stopwatch.StartNew();
        using var matrix = RegionFeatureStore.Open(storeDirectory, regions, regressors.Layer, "box regressors", source);
        if (matrix.Cols != regressors.Dimensions)
            throw LayerProbeException.For(source, $"box regressors of {regressors.Dimensions}-dimensional features, but {storeDirectory} has {matrix.Cols}-dimensional rows");
        var rows = new StoredFeatureRows(matrix);
        float limit = Analyses.StoredFeatureChecks.MagnitudeLimit(matrix.Cols);
        var moved = new PrunedClass[pruned.Classes.Count];
        try
        {
            Parallel.For(0, moved.Length, k =>
            {
                var p = pruned.Classes[k];
                var boxes = new Candidate[p.Candidates.Count];
                for (int i = 0; i < boxes.Length; i++)
                {
                    var c = p.Candidates[i];
                    var row = rows.Row(c.Region);
                    Analyses.StoredFeatureChecks.CheckRow(row, limit, rows.Ids, c.Region, storeDirectory);
                    var image = regions.Annotation(c.Image);
                    boxes[i] = c with { Box = regressors.Regress(c.Box, row, p.Class, image.Width, image.Height) };
                }
                moved[k] = p with { Candidates = boxes };
            });
        }
        catch (AggregateException e) when (e.InnerExceptions.OfType<LayerProbeException>().FirstOrDefault() is { } problem)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(problem).Throw(); // one line, as a serial loop would give
        }
        return pruned with { Classes = moved, Seconds = pruned.Seconds + clock.Elapsed.TotalSeconds };
    }
}
