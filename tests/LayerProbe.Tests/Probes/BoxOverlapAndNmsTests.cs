using LayerProbe.Data;
using LayerProbe.Probes;

namespace LayerProbe.Tests.Probes;

public class BoxOverlapAndNmsTests
{
    static readonly PixelBox A = new(1, 1, 10, 10); // 10×10 = 100 px with the +1 convention

    [Fact] public void IdenticalBoxesHaveIoUOne() => Assert.Equal(1.0, BoxOverlap.IoU(A, A));

    [Fact] public void TouchingBoxesDoNotIntersect() // x2 = 10, next x1 = 11: width 10 − 11 + 1 = 0
        => Assert.Equal(0.0, BoxOverlap.IoU(A, new PixelBox(11, 1, 20, 10)));

    [Fact] public void OneSharedColumnCountsAsOnePixelWide()
    {
        var b = new PixelBox(10, 1, 19, 10);
        Assert.Equal(10.0, BoxOverlap.Intersection(A, b));
        Assert.Equal(10.0 / 190.0, BoxOverlap.IoU(A, b), 15);
        Assert.Equal(BoxOverlap.IoU(b, A), BoxOverlap.IoU(A, b));
    }

    [Fact] public void SeparatedVerticallyIsZeroEvenIfXOverlaps()
        => Assert.Equal(0.0, BoxOverlap.IoU(A, new PixelBox(1, 12, 10, 20)));

    [Fact] public void PartialOverlapHandComputed() // inter 9×9 = 81, union 100 + 100 − 81 = 119
        => Assert.Equal(81.0 / 119.0, BoxOverlap.IoU(A, new PixelBox(2, 2, 11, 11)), 15);

    [Fact] public void NmsKeepsIoUEqualToThresholdAndDropsAbove()
    {
        PixelBox[] boxes = [A, new(1, 1, 3, 10), new(1, 1, 4, 10)]; // IoU with A: 30/100 = 0.3, 40/100 = 0.4
        Assert.Equal(0.3, BoxOverlap.IoU(boxes[0], boxes[1]));
        var kept = Nms.Select(boxes, [0.9, 0.5, 0.6], 0.3);
        Assert.Equal([0, 1], kept);
    }

    [Fact] public void NmsReturnsKeptInScoreOrderAndSuppressesOnlyByKeptBoxes()
    {
        // a–b and b–c overlap 90/110 = 0.818, a–c 80/120 = 0.667.
        PixelBox[] boxes = [new(1, 1, 10, 10), new(2, 1, 11, 10), new(3, 1, 12, 10), new(30, 30, 40, 40)];
        var kept = Nms.Select(boxes, [0.9, 0.95, 0.1, 0.5], 0.3);
        // b (0.95) first; it suppresses a and c (both IoU 90/110 with b); d kept.
        Assert.Equal([1, 3], kept);
        var kept2 = Nms.Select(boxes, [0.95, 0.9, 0.8, 0.5], 0.7);
        // threshold 0.7: a kept; b IoU(a)=0.818 dropped; c IoU(a) = 80/120 = 0.667 ≤ 0.7 kept; d kept.
        Assert.Equal([0, 2, 3], kept2);
    }

    [Fact] public void NmsTiesKeepTheLowerIndex()
    {
        PixelBox[] boxes = [A, A, A];
        Assert.Equal([0], Nms.Select(boxes, [0.5, 0.5, 0.5], 0.3));
        Assert.Equal([1], Nms.Select(boxes, [0.4, 0.5, 0.5], 0.3));
    }

    [Fact] public void NmsOfNothingIsEmpty() => Assert.Empty(Nms.Select([], [], 0.3));
}
