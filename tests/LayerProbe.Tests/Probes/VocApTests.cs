using LayerProbe.Data;
using LayerProbe.Probes;

namespace LayerProbe.Tests.Probes;

/// <summary>Hand-worked VOC AP cases (the numbers in comments are computed by hand, following the devkit's rules).</summary>
public class VocApTests
{
    [Fact] public void PerfectRankingIsOne()
    {
        var ap = VocAp.Classification([5, 4, 3, 2, 1], [1, 1, -1, -1, -1]);
        Assert.Equal(1.0, ap.ElevenPoint, 12);
        Assert.Equal(1.0, ap.Area, 12);
    }

    [Fact] public void ReversedRankingHandComputed()
    {
        // F F T T: recall 0 0 .5 1, precision 0 0 1/3 1/2. 11-pt: every t has max precision 1/2 → 0.5.
        // Area: envelope 1/2 from recall 0 to 1 → 0.5.
        var ap = VocAp.Classification([4, 3, 2, 1], [-1, -1, 1, 1]);
        Assert.Equal(0.5, ap.ElevenPoint, 12);
        Assert.Equal(0.5, ap.Area, 12);
    }

    [Fact] public void ElevenPointDiffersFromAreaHandComputed()
    {
        // Ranked: T F (0 ignored) T F; recall .5 .5 1 1; precision 1 .5 2/3 .5.
        // 11-pt: t = 0…0.5 (6 points) → 1; t = 0.6…1 (5 points) → 2/3; AP = (6 + 10/3)/11 = 28/33.
        // Area: 0.5·1 + 0.5·2/3 = 5/6.
        var ap = VocAp.Classification([0.9, 0.8, 0.7, 0.6, 0.5], [1, -1, 1, 0, -1]);
        Assert.Equal(28.0 / 33.0, ap.ElevenPoint, 12);
        Assert.Equal(5.0 / 6.0, ap.Area, 12);
        Assert.Equal(2, ap.Positives);
    }

    [Fact] public void TiesKeepInputOrder()
    {
        // Equal scores: devkit's stable sort keeps input order, so the outcome depends on it (documented).
        Assert.Equal(0.5, VocAp.Classification([1, 1], [-1, 1]).ElevenPoint, 12);
        Assert.Equal(1.0, VocAp.Classification([1, 1], [1, -1]).ElevenPoint, 12);
    }

    [Fact] public void IgnoredLabelsAtTheTopChangeNothing()
    {
        var ap = VocAp.Classification([3, 2, 1], [0, 1, -1]);
        Assert.Equal(1.0, ap.ElevenPoint, 12);
        Assert.Equal(1.0, ap.Area, 12);
    }

    [Fact] public void NoPositivesIsInvalidAndSkippedByMeanAp()
    {
        var none = VocAp.Classification([1, 2], [-1, 0]);
        Assert.False(none.IsValid);
        Assert.True(double.IsNaN(none.ElevenPoint));
        var good = VocAp.Classification([2, 1], [1, -1]);
        var half = VocAp.Classification([1, 1], [-1, 1]);
        var m = MeanAp.Of([("cat", good), ("sofa", none), ("dog", half)]);
        Assert.Equal(0.75, m.ElevenPoint, 12);
        Assert.Equal(2, m.ValidClasses);
        Assert.Equal(["sofa"], m.SkippedClasses);
        Assert.True(double.IsNaN(MeanAp.Of([("sofa", none)]).ElevenPoint));
    }

    [Fact] public void MissingScoresRankLast()
    {
        var ap = VocAp.Classification([double.NegativeInfinity, 1], [1, -1]);
        Assert.Equal(0.5, ap.ElevenPoint, 12);
    }

    static readonly PixelBox Box = new(1, 1, 10, 10);

    [Fact] public void DetectionWithDuplicateDifficultAndMissHandComputed()
    {
        GroundTruthObject[] gt = [new("A", Box, false), new("A", new(50, 50, 60, 60), true), new("B", Box, false)];
        Detection[] dets =
        [
            new("B", new(2, 2, 10, 10), 0.5),      // IoU 81/100 → TP (ranked last)
            new("A", Box, 0.9),                     // TP
            new("A", Box, 0.8),                     // duplicate → FP
            new("A", new(50, 50, 60, 60), 0.7),     // difficult → ignored
            new("B", new(100, 100, 110, 110), 0.6), // no overlap → FP
        ];
        // Outcomes T F F T, npos 2: recall .5 .5 .5 1, precision 1 .5 1/3 .5.
        // 11-pt = (6·1 + 5·0.5)/11 = 8.5/11; area = 0.5·1 + 0.5·0.5 = 0.75.
        var ap = VocDetectionAp.Evaluate(dets, gt);
        Assert.Equal(8.5 / 11, ap.ElevenPoint, 12);
        Assert.Equal(0.75, ap.Area, 12);
        Assert.Equal((2, 2, 2), (ap.Positives, ap.TruePositives, ap.FalsePositives));
    }

    [Fact] public void OverlapOfExactlyHalfIsATruePositive()
    {
        GroundTruthObject[] gt = [new("A", new(1, 1, 10, 20), false)]; // 200 px; det 100 px inside → IoU 0.5
        Assert.Equal(1.0, VocDetectionAp.Evaluate([new("A", Box, 1)], gt).ElevenPoint, 12);
        GroundTruthObject[] gt2 = [new("A", new(1, 1, 10, 21), false)]; // IoU 100/210 < 0.5 → FP
        Assert.Equal(0.0, VocDetectionAp.Evaluate([new("A", Box, 1)], gt2).ElevenPoint, 12);
    }

    [Fact] public void MaxOverlapGoesToDifficultEvenWhenAnotherGtAlsoQualifies()
    {
        // The devkit matches the max-IoU GT first; if it is difficult the detection is ignored.
        GroundTruthObject[] gt = [new("A", Box, false), new("A", new(1, 1, 12, 12), true)];
        var ap = VocDetectionAp.Evaluate([new("A", new(1, 1, 12, 12), 1)], gt);
        Assert.Equal((0, 0), (ap.TruePositives, ap.FalsePositives));
        Assert.Equal(0.0, ap.ElevenPoint);
        Assert.Equal(1, ap.Positives);
    }

    [Fact] public void DifficultOnlyClassIsInvalidAndDetectionsOnItAreIgnored()
    {
        GroundTruthObject[] gt = [new("C", Box, true)];
        var ap = VocDetectionAp.Evaluate([new("C", Box, 1), new("D", Box, 0.5)], gt);
        Assert.False(ap.IsValid);
        Assert.Equal((0, 1), (ap.TruePositives, ap.FalsePositives));
    }

    [Fact] public void DetectionsInImagesWithoutGtAreFalsePositives()
    {
        GroundTruthObject[] gt = [new("A", Box, false)];
        var ap = VocDetectionAp.Evaluate([new("Z", Box, 2), new("A", Box, 1)], gt);
        // F T: recall 0 1, precision 0 .5 → 0.5 both ways.
        Assert.Equal(0.5, ap.ElevenPoint, 12);
        Assert.Equal(0.5, ap.Area, 12);
    }
}
