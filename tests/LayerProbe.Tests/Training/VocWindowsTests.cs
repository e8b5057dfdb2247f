using LayerProbe.Data;
using LayerProbe.Training;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace LayerProbe.Tests.Training;

/// <summary>VOC windows as a training source: pools, batch composition, mirrored warps and proposals-file errors.</summary>
public class VocWindowsTests
{
    [Fact]
    public void The_rule_decides_the_pools_and_background_is_label_zero()
    {
        using var devkit = new WindowDevkit();
        var rcnn = devkit.Windows(WindowRule.Rcnn);
        Assert.Equal((5, 5, 21), (rcnn.Foreground, rcnn.Background, rcnn.Classes));
        int[] classes = [VocClasses.IndexOf("dog") + 1, VocClasses.IndexOf("cat") + 1, VocClasses.IndexOf("person") + 1];
        Assert.Equal(classes.Order(), Enumerable.Range(0, rcnn.Foreground).Select(rcnn.Label).Distinct().Order());
        Assert.All(Enumerable.Range(rcnn.Foreground, rcnn.Background), i => Assert.Equal(0, rcnn.Label(i)));
        var gt = devkit.Windows(WindowRule.GtOnly);
        Assert.Equal((4, 5), (gt.Foreground, gt.Background));
    }

    [Fact]
    public void A_batch_of_128_is_32_foreground_and_96_background_windows_labelled_from_their_pools_and_repeatable()
    {
        using var devkit = new WindowDevkit();
        var windows = devkit.Windows(WindowRule.Rcnn, size: 16, padding: 2);
        int item = 3 * 16 * 16;
        var inputs = new float[128 * item];
        var labels = new long[128];
        windows.FillBatch(5, 4, inputs, labels);
        var draws = new (int Index, bool Mirror)[128];
        new WindowSampler(windows.Foreground, windows.Background, 128, 5).Batch(4, draws);
        Assert.Equal(draws[..32].Select(d => (long)windows.Label(d.Index)), labels[..32]);
        Assert.All(labels[..32], l => Assert.InRange(l, 1, 20));
        Assert.All(labels[32..], l => Assert.Equal(0, l));

        var again = new float[128 * item];
        windows.FillBatch(5, 4, again, new long[128]);
        Assert.Equal(inputs, again);
        windows.FillBatch(5, 5, again, new long[128]);
        Assert.NotEqual(inputs, again);
    }

    [Fact]
    public void A_mirrored_window_is_the_warp_of_the_mirrored_box_in_the_mirrored_image_padding_side_included()
    {
        using var devkit = new WindowDevkit();
        var windows = devkit.Windows(WindowRule.Rcnn, size: 32, padding: 4);
        int person = Enumerable.Range(0, windows.Count).Single(i => windows.Window(i) == ("000003", new PixelBox(1, 1, 20, 30)));
        using var flipped = Image.Load<Rgb24>(devkit.Dir.Combine("JPEGImages", "000003.jpg"));
        flipped.Mutate(x => x.Flip(FlipMode.Horizontal));
        var pixels = new byte[3 * 64 * 48];
        flipped.CopyPixelDataTo(pixels);
        var expected = new float[3 * 32 * 32];
        WindowDevkit.Warp(32, 4).Fill(new RgbImage(64, 48, pixels), new PixelBox(45, 1, 64, 30), expected);

        var mirrored = new float[expected.Length];
        var plain = new float[expected.Length];
        windows.Warp(person, true, mirrored);
        windows.Warp(person, false, plain);
        Assert.Equal(expected, mirrored);
        // the box touches the left edge: its missing context is zero on the left unmirrored, on the right mirrored
        static float[] Column(float[] w, int x) => Enumerable.Range(0, 3 * 32).Select(r => w[r * 32 + x]).ToArray();
        Assert.All(Column(plain, 0), v => Assert.Equal(0, v));
        Assert.All(Column(mirrored, 31), v => Assert.Equal(0, v));
        Assert.Contains(Column(plain, 31), v => v != 0);
        Assert.Contains(Column(mirrored, 0), v => v != 0);
    }

    [Theory]
    [InlineData("nope,1,1,5,5", "unknown image id 'nope'")]
    [InlineData("000001,1,a,5,5", "coordinate 'a' is not a number")]
    [InlineData("000001,9,1,5,5", "x2 < x1")]
    [InlineData("000001,100,1,120,5", "lies outside the 64x48 image 000001")]
    [InlineData("000001,1,1,5", "expected 'image_id,x1,y1,x2,y2'")]
    public void A_bad_proposals_line_is_one_error_naming_file_and_line_before_training(string line, string problem)
    {
        using var devkit = new WindowDevkit();
        File.WriteAllText(devkit.Proposals, $"image_id,x1,y1,x2,y2\n000002,1,1,15,15\n{line}\n");
        var e = Assert.Throws<LayerProbeException>(() => devkit.Windows(WindowRule.Rcnn));
        Assert.StartsWith($"{devkit.Proposals}:3: ", e.Message);
        Assert.Contains(problem, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Proposals_beyond_the_image_are_clipped_and_a_split_without_a_pool_is_refused()
    {
        using var devkit = new WindowDevkit();
        var proposals = ProposalsCsv.Read(devkit.Proposals, new Dictionary<string, (int, int)>
            { ["000001"] = (64, 48), ["000002"] = (64, 48), ["000003"] = (64, 48) });
        Assert.Equal(new PixelBox(1, 1, 64, 20), proposals["000003"][^1]);

        File.WriteAllText(devkit.Proposals, "image_id,x1,y1,x2,y2\n");
        Assert.Contains("no background windows", Assert.Throws<LayerProbeException>(() => devkit.Windows(WindowRule.Rcnn)).Message);
        var empty = new VocAnnotation("000001", 64, 48, 3, []);
        Assert.Contains("no foreground windows", Assert.Throws<LayerProbeException>(() => new VocWindows(devkit.Devkit, [empty],
            new Dictionary<string, List<PixelBox>> { ["000001"] = [new PixelBox(1, 1, 9, 9)] }, WindowRule.Rcnn, WindowDevkit.Warp(32, 4), "t")).Message);
    }
}
