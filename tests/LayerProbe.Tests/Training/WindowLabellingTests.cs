using LayerProbe.Data;
using LayerProbe.Training;

namespace LayerProbe.Tests.Training;

/// <summary>Window labels and the two fine-tuning rules on hand-worked boxes (IoU with the +1 pixel convention).</summary>
public class WindowLabellingTests
{
    static readonly int Dog = VocClasses.IndexOf("dog"), Cat = VocClasses.IndexOf("cat");
    static readonly PixelBox DogBox = new(1, 1, 10, 10); // area 100

    static LabelledWindow One(PixelBox proposal, params (PixelBox, int)[] gt) => WindowLabelling.Label(gt, [proposal])[^1];

    [Fact]
    public void Gt_boxes_have_overlap_one_and_their_class_even_when_difficult_ones_are_mixed_in()
    {
        var windows = WindowLabelling.Label([(DogBox, Dog), (new PixelBox(30, 30, 40, 40), Cat)], []);
        Assert.Equal([(Dog + 1, 1.0, true), (Cat + 1, 1.0, true)], windows.Select(w => (w.Class, w.Overlap, w.Gt)));
    }

    [Fact]
    public void Iou_exactly_half_is_foreground_under_the_rcnn_rule_and_ignored_under_the_gt_rule()
    {
        var w = One(new PixelBox(1, 1, 10, 5), (DogBox, Dog)); // 50 / 100
        Assert.Equal((Dog + 1, 0.5, false), (w.Class, w.Overlap, w.Gt));
        Assert.Equal(WindowRole.Foreground, WindowRule.Rcnn.Assign(w));
        Assert.Equal(WindowRole.Ignored, WindowRule.GtOnly.Assign(w));
        var below = One(new PixelBox(1, 1, 10, 4), (DogBox, Dog)); // 0.4
        Assert.Equal(WindowRole.Background, WindowRule.Rcnn.Assign(below));
    }

    [Fact]
    public void Iou_point_three_is_ignored_and_below_it_background_under_the_gt_rule()
    {
        var at = One(new PixelBox(1, 1, 10, 3), (DogBox, Dog)); // 30 / 100
        var under = One(new PixelBox(1, 1, 10, 2), (DogBox, Dog)); // 0.2
        Assert.Equal(0.3, at.Overlap);
        Assert.Equal(WindowRole.Ignored, WindowRule.GtOnly.Assign(at));
        Assert.Equal(WindowRole.Background, WindowRule.GtOnly.Assign(under));
        Assert.Equal(Dog + 1, under.Class); // background by the rule, still labelled with its class before it
        var gt = WindowLabelling.Label([(DogBox, Dog)], [])[0];
        Assert.Equal(WindowRole.Foreground, WindowRule.GtOnly.Assign(gt));
    }

    [Fact]
    public void Overlapping_gt_of_two_classes_gives_the_argmax_class()
    {
        var cat = new PixelBox(5, 1, 14, 10);
        var w = One(new PixelBox(4, 1, 13, 10), (DogBox, Dog), (cat, Cat)); // dog 70/130, cat 90/110
        Assert.Equal(Cat + 1, w.Class);
        Assert.Equal(90.0 / 110, w.Overlap, 12);
        var tie = WindowLabelling.Label([(DogBox, Dog), (DogBox, Cat)], []);
        Assert.All(tie, t => Assert.Equal(Math.Min(Dog, Cat) + 1, t.Class)); // ties take the lower class, like MATLAB's max
    }

    [Fact]
    public void Overlap_below_1e5_is_background_class_zero()
    {
        var touching = One(new PixelBox(10, 10, 400, 400), (DogBox, Dog)); // 1 px of 152,980
        Assert.InRange(touching.Overlap, 1e-6, 1e-5);
        Assert.Equal(0, touching.Class);
        var far = One(new PixelBox(50, 50, 60, 60), (DogBox, Dog));
        Assert.Equal((0, 0.0), (far.Class, far.Overlap));
        Assert.Equal(WindowRole.Background, WindowRule.Rcnn.Assign(far));
        Assert.Equal(WindowRole.Background, WindowRule.GtOnly.Assign(touching));
    }

    [Fact]
    public void Unknown_rule_is_a_one_line_error()
    {
        Assert.Same(WindowRule.GtOnly, WindowRule.Parse("GT"));
        Assert.Contains("'half' is not rcnn or gt", Assert.Throws<LayerProbeException>(() => WindowRule.Parse("half")).Message);
    }
}
