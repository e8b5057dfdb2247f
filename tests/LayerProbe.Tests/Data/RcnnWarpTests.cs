using LayerProbe.Data;

namespace LayerProbe.Tests.Data;

/// <summary>R-CNN warp geometry (docs/method.md §6.1), cases worked by hand from rcnn_im_crop.m's formulas.</summary>
public class RcnnWarpTests
{
    [Fact]
    public void Box_inside_the_image_gets_context_and_no_padding()
    {
        // w = 100, centre 151, half·227/195 = 58.205 → [92.795, 209.205] → round → [93, 209], 117 px → 227, no pad
        var w = RcnnWarp.Compute(new PixelBox(101, 101, 200, 200), 500, 375);
        Assert.Equal(new RcnnWarp(new PixelBox(93, 93, 209, 209), 0, 0, 227, 227), w);
    }

    [Fact]
    public void Box_at_the_top_left_corner_gets_positive_pad_offsets()
    {
        // x: w 50, centre 26, ±29.103 → [-3, 55], unclipped 59, pad 4 → round(4·227/59 = 15.39) = 15,
        //    clipped 55 px → round(55·227/59 = 211.61) = 212
        // y: h 40, centre 21, ±23.282 → [-2, 44], unclipped 47, pad 3 → round(14.49) = 14, clipped 44 → round(212.51) = 213
        var w = RcnnWarp.Compute(new PixelBox(1, 1, 50, 40), 500, 375);
        Assert.Equal(new RcnnWarp(new PixelBox(1, 1, 55, 44), 15, 14, 212, 213), w);
    }

    [Fact]
    public void Box_at_the_bottom_right_corner_is_clipped_without_pad_offsets()
    {
        // x: centre 476, [446.897, 505.103] → [447, 505], unclipped 59, clipped 447..500 = 54 → round(207.76) = 208
        var w = RcnnWarp.Compute(new PixelBox(451, 326, 500, 375), 500, 375);
        Assert.Equal(new RcnnWarp(new PixelBox(447, 322, 500, 375), 0, 0, 208, 208), w);
    }

    [Fact]
    public void Tiny_box_expands_to_two_pixels()
    {
        // 1×1 box at (10,10): centre 10.5, ±0.582 → [9.918, 11.082] → [10, 11]
        var w = RcnnWarp.Compute(new PixelBox(10, 10, 10, 10), 20, 20);
        Assert.Equal(new RcnnWarp(new PixelBox(10, 10, 11, 11), 0, 0, 227, 227), w);
    }

    [Fact]
    public void Padding_zero_is_the_plain_warp_of_the_box()
    {
        Assert.Equal(new RcnnWarp(new PixelBox(1, 1, 500, 375), 0, 0, 227, 227), RcnnWarp.Compute(PixelBox.WholeImage(500, 375), 500, 375, 227, 0));
        Assert.Equal(new RcnnWarp(new PixelBox(3, 4, 20, 10), 0, 0, 227, 227), RcnnWarp.Compute(new PixelBox(3, 4, 20, 10), 500, 375, 227, 0));
    }

    [Fact]
    public void Random_boxes_always_fit_the_canvas_and_the_image()
    {
        var rng = new Random(7);
        for (int i = 0; i < 20000; i++)
        {
            int iw = rng.Next(1, 600), ih = rng.Next(1, 600);
            int x1 = rng.Next(1, iw + 1), y1 = rng.Next(1, ih + 1);
            var box = new PixelBox(x1, y1, rng.Next(x1, iw + 1), rng.Next(y1, ih + 1));
            var w = RcnnWarp.Compute(box, iw, ih);
            Assert.InRange(w.PadX + w.TargetWidth, 0, 227);
            Assert.InRange(w.PadY + w.TargetHeight, 0, 227);
            Assert.True(w.Source.X1 >= 1 && w.Source.Y1 >= 1 && w.Source.X2 <= iw && w.Source.Y2 <= ih && w.Source.Width >= 1);
            Assert.True(w.Source.X1 <= box.X1 && w.Source.X2 >= box.X2, "context never shrinks the box");
        }
    }

    [Fact]
    public void Box_outside_the_image_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => RcnnWarp.Compute(new PixelBox(600, 1, 700, 10), 500, 375, 227, 0));
    }
}
