using LayerProbe.Data;
using LayerProbe.Probes;

namespace LayerProbe.Tests.Probes;

using Detection = LayerProbe.Probes.Detection; // the namespace LayerProbe.Detection would shadow the type

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
        LayerProbe.Probes.Detection[] dets =
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
        Assert.True(double.IsNaN(ap.ElevenPoint)); // the only detection is ignored: the devkit's 0/0 (next test)
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

    [Fact] public void Thresholds_are_matlabs_colon_0_to_1_by_0_1_not_k_over_10()
    {
        // MATLAB's 0:0.1:1, element by element: a + k·d for k = 0…5 (k·0.1 in doubles), b − k·d from the right for
        // k = 0…4 (1 − k·0.1), and the middle of an even count (0 + 1)/2. Written as the doubles MATLAB prints with %.17g.
        double[] matlab = [0, 0.1, 0.2, 0.30000000000000004, 0.4, 0.5, 0.59999999999999998, 0.69999999999999996, 0.80000000000000004, 0.90000000000000002, 1];
        Assert.Equal(matlab, VocAp.ElevenPointThresholds);
        Assert.Equal(matlab, VocAp.MatlabColon(0, 0.1, 1));
        Assert.NotEqual(0.3, VocAp.ElevenPointThresholds[3]); // 3/10 is 0.29999999999999999, the devkit's t(4) is above it
        Assert.Equal(0.7, VocAp.ElevenPointThresholds[7]);    // the right half comes from 1 − 3·0.1, which is 0.7 exactly
        Assert.NotEqual(7 * 0.1, VocAp.ElevenPointThresholds[7]); // repeated addition would give 0.70000000000000007
        // Other ranges by the same rule: symmetric about the middle, the right end exact.
        var v = VocAp.MatlabColon(-1, 0.01, 1);
        Assert.Equal(201, v.Length);
        for (int k = 0; k < 201; k++) Assert.Equal(-v[200 - k], v[k]);
        Assert.Equal([0.0, 0.25, 0.5, 0.75], VocAp.MatlabColon(0, 0.25, 0.9)); // n = round(3.6) = 4 overshoots 0.9: one less
    }

    [Fact] public void A_recall_of_exactly_0_3_does_not_reach_the_devkits_t_0_3()
    {
        // 10 positives; ranked T T T, seven F, then the other seven T. Recall after rank 3 is 3/10 = 0.29999999999999999.
        // Devkit: t = 0, 0.1, 0.2 → precision 1 (ranks 1–2 reach 0.1 and 0.2 exactly); t(4) = 0.30000000000000004 and above
        // are first reached at rank 11 (recall 0.4), and precision (r − 7)/r grows to 10/17 at rank 17. So
        // AP = (3·1 + 8·10/17)/11 = 131/187; with k/10 thresholds rank 3 would count at t = 0.3: (4 + 7·10/17)/11.
        var outcomes = new List<bool> { true, true, true };
        outcomes.AddRange(Enumerable.Repeat(false, 7));
        outcomes.AddRange(Enumerable.Repeat(true, 7));
        var ap = VocAp.FromRankedOutcomes(outcomes, 10);
        Assert.Equal(131.0 / 187, ap.ElevenPoint, 14);
        Assert.NotEqual((4 + 70.0 / 17) / 11, ap.ElevenPoint, 6);
        // The same through the classification entry point (scores descending).
        var labels = outcomes.Select(o => o ? (sbyte)1 : (sbyte)-1).ToArray();
        var scores = Enumerable.Range(0, labels.Length).Select(i => (double)(labels.Length - i)).ToArray();
        Assert.Equal(131.0 / 187, VocAp.Classification(scores, labels).ElevenPoint, 14);
    }

    [Fact] public void A_class_whose_every_detection_hits_a_difficult_object_is_NaN_as_in_the_devkit()
    {
        // VOCevaldet: both detections hit the difficult object of B → tp = fp = 0 for both, prec = 0/0 = NaN, rec = 0/1;
        // at t = 0, max over [NaN NaN] is NaN, so ap is NaN. VOCap's envelope (max ignores NaN against the sentinel 0) is 0.
        GroundTruthObject[] gt = [new("A", Box, false), new("B", Box, true)];
        var ap = VocDetectionAp.Evaluate([new("B", Box, 0.9), new("B", Box, 0.8)], gt);
        Assert.True(double.IsNaN(ap.ElevenPoint));
        Assert.Equal(0.0, ap.Area);
        Assert.True(ap.IsValid && ap.IsUndefined);
        // No detections at all is not 0/0: prec(rec >= t) is empty at every t, p = 0 → AP 0.
        var none = VocDetectionAp.Evaluate([], gt);
        Assert.Equal(0.0, none.ElevenPoint);
        Assert.False(none.IsUndefined);
        // An ignored detection above a true positive only gives NaN precision at recall 0, which max skips: AP 1.
        Assert.Equal(1.0, VocDetectionAp.Evaluate([new("B", Box, 0.9), new("A", Box, 0.8)], gt).ElevenPoint, 12);

        // The mean leaves the NaN class out and says so.
        var mean = MeanAp.Of([("cat", ap), ("dog", VocDetectionAp.Evaluate([new("A", Box, 1)], gt)), ("cow", default)]);
        Assert.Equal(1.0, mean.ElevenPoint, 12);
        Assert.Equal(1, mean.ValidClasses);
        Assert.Equal(["cat"], mean.UndefinedClasses);
        Assert.Equal(["cow"], mean.SkippedClasses);
        Assert.Equal("mAP over 1 classes; left out: cow (no positives); cat (AP NaN as in the devkit: every detection hit a difficult object)", mean.Note);
    }
}
