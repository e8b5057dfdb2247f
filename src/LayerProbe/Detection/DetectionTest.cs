using System.Diagnostics;
using LayerProbe.Data;
using LayerProbe.Probes;
using LayerProbe.Regions;

namespace LayerProbe.Detection;

/// <summary>
/// R-CNN's test-time detection and its VOC 2007 evaluation (docs/method.md §6.5, §6.7; <c>rcnn_test.m</c>,
/// <c>imdb_eval_voc.m</c>, <c>VOCevaldet.m</c>): every non-GT proposal of the test split scored by each class's detector
/// (<see cref="RegionScorer"/>, images in parallel), pruned image by image in split order (<see cref="RcnnPruning"/>),
/// greedy NMS per class and image (<see cref="Nms"/>), then the devkit's AP per class (<see cref="VocDetectionAp"/>,
/// difficult objects ignored) and the mean over the classes that have a detector and test positives. In two halves so that
/// bounding-box regression can move the pruned boxes in between (<see cref="Prune"/>, <see cref="BoxRegressionTest"/>,
/// <see cref="Evaluate"/>). Memory: the scores of a few images and the pruned candidates, never the regions' features.
/// </summary>
public static class DetectionTest
{
    /// <summary>
    /// Detects with <paramref name="detectors"/> on <paramref name="regions"/>, whose features of the detectors' layer
    /// are in <paramref name="storeDirectory"/> and whose region table is in <paramref name="tableDirectory"/>. When
    /// <paramref name="comp4Folder"/> is given, each detected class's detections are written there in the devkit's format.
    /// </summary>
    public static DetectionResult Run(DetectorSet detectors, VocRegions regions, string storeDirectory, string tableDirectory,
        DetectionSettings settings, string detectorSource, string? comp4Folder = null, TextWriter? log = null) =>
        Evaluate(Prune(detectors, regions, storeDirectory, tableDirectory, settings, detectorSource, log), regions, comp4Folder);

    /// <summary>
    /// Scores every non-GT proposal of <paramref name="regions"/> and prunes each class's boxes as <c>rcnn_test.m</c>
    /// does (top <see cref="DetectionSettings.MaxPerImage"/> per image, then the running threshold): what NMS and box
    /// regression start from.
    /// </summary>
    public static PrunedDetections Prune(DetectorSet detectors, VocRegions regions, string storeDirectory, string tableDirectory,
        DetectionSettings settings, string detectorSource, TextWriter? log = null)
    {
        settings.Validate();
        using var scorer = new RegionScorer(detectors, regions, storeDirectory, tableDirectory, detectorSource);
        var clock = Stopwatch.StartNew();
        var scored = scorer.ScoredClasses;
        var pruning = scored.Select(_ => new RcnnPruning(settings, regions.Images)).ToArray();
        long proposals = 0;
        var progress = new Progress($"detect {detectors.Layer} on {regions.Name}", regions.Images, log);
        int chunk = 4 * Environment.ProcessorCount;
        var batch = new ImageScores[chunk];
        for (int first = 0; first < regions.Images; first += chunk)
        {
            int n = Math.Min(chunk, regions.Images - first);
            try { Parallel.For(0, n, i => batch[i] = scorer.Score(first + i)); }
            catch (AggregateException e) when (e.InnerExceptions.OfType<LayerProbeException>().FirstOrDefault() is { } problem)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(problem).Throw(); // one line, as a serial loop would give
            }
            for (int i = 0; i < n; i++)
            {
                var image = batch[i];
                proposals += image.Regions.Length;
                for (int k = 0; k < scored.Count; k++) pruning[k].AddImage(image.Image, image.Regions, image.Boxes, image.Column(k));
                batch[i] = null!;
            }
            progress.Report(first + n);
        }
        var classes = scored.Select((c, k) => new PrunedClass(c, pruning[k].Finish(), pruning[k].Threshold)).ToList();
        return new PrunedDetections(detectors.Layer, classes, regions.Images, proposals, clock.Elapsed.TotalSeconds, settings);
    }

    /// <summary>
    /// Greedy NMS per class and image of the pruned boxes (<see cref="Nms"/>), then the devkit's AP per class and the
    /// mean; with <paramref name="comp4Folder"/>, each scored class's detections are written there in the devkit's format.
    /// </summary>
    public static DetectionResult Evaluate(PrunedDetections pruned, VocRegions regions, string? comp4Folder = null)
    {
        var clock = Stopwatch.StartNew();
        var settings = pruned.Settings;
        var detections = pruned.Classes.ToDictionary(p => p.Class, p => (Kept: Suppress(p.Candidates, regions, settings.NmsOverlap), p.Threshold));
        double seconds = pruned.Seconds + clock.Elapsed.TotalSeconds;

        var classes = new List<ClassDetections>();
        for (int c = 0; c < regions.Classes.Count; c++)
        {
            string name = regions.Classes[c];
            if (!detections.TryGetValue(c, out var found))
            {
                classes.Add(new ClassDetections(name, false, [], null, default, double.NaN));
                continue;
            }
            var match = VocDetectionAp.Match(found.Kept, GroundTruth(regions, c), settings.MinOverlap);
            var ap = VocAp.FromRankedOutcomes(match.Outcomes, match.Positives, match.Ignored);
            classes.Add(new ClassDetections(name, true, found.Kept, match, ap, found.Threshold));
            if (comp4Folder is not null) Comp4Files.Write(comp4Folder, regions.Split, name, found.Kept);
        }
        var mean = MeanAp.Of(classes.Where(c => c.HasDetector).Select(c => (c.ClassName, c.Ap)).ToList());
        return new DetectionResult(pruned.Layer, classes, mean, regions.Images, pruned.ProposalsScored, seconds, settings);
    }

    /// <summary>The GT objects of class <paramref name="c"/> in every image of the split (difficult ones flagged).</summary>
    public static List<GroundTruthObject> GroundTruth(VocRegions regions, int c)
    {
        var gt = new List<GroundTruthObject>();
        for (int i = 0; i < regions.Images; i++)
        {
            var a = regions.Annotation(i);
            foreach (var o in a.Objects)
                if (o.ClassIndex == c) gt.Add(new GroundTruthObject(a.ImageId, o.Box, o.Difficult));
        }
        return gt;
    }

    /// <summary>Greedy NMS within each image of one class's surviving candidates (image order, best first kept).</summary>
    static List<Probes.Detection> Suppress(IReadOnlyList<Candidate> candidates, VocRegions regions, double overlap)
    {
        var kept = new List<Probes.Detection>();
        for (int start = 0; start < candidates.Count;)
        {
            int end = start;
            while (end < candidates.Count && candidates[end].Image == candidates[start].Image) end++;
            var boxes = new PixelBox[end - start];
            var scores = new double[end - start];
            for (int i = start; i < end; i++) (boxes[i - start], scores[i - start]) = (candidates[i].Box, candidates[i].Score);
            string id = regions.Annotation(candidates[start].Image).ImageId;
            foreach (int i in Nms.Select(boxes, scores, overlap)) kept.Add(new Probes.Detection(id, boxes[i], scores[i]));
            start = end;
        }
        return kept;
    }
}
