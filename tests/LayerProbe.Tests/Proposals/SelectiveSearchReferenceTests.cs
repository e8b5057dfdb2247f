using LayerProbe.Data;
using LayerProbe.Proposals;
using LayerProbe.Scenes;
using LayerProbe.Tests.Data;
using Xunit.Abstractions;

namespace LayerProbe.Tests.Proposals;

/// <summary>
/// Our selective search (OpenCvSharp, configured as R-CNN's fast mode) against Debian's python3-opencv configured the
/// same way by hand (<see cref="SelectiveSearchSideBySide"/>), on the three real VOC photographs of Debian's
/// labelme-examples and on the test split of a small Fashion-MNIST scenes devkit, with their GT boxes.
/// </summary>
public class SelectiveSearchReferenceTests(ITestOutputHelper output)
{
    public const string LabelmeVoc = "/usr/share/doc/labelme-examples/examples/bbox_detection/data_dataset_voc";

    public static string[] LabelmeIds => ["2011_000003", "2011_000006", "2011_000025"];

    [OpenCvPythonFact]
    public void Fast_mode_recall_matches_python_opencv_configured_the_same_way()
    {
        var paths = LabelmeIds.Select(id => $"{LabelmeVoc}/JPEGImages/{id}.jpg").ToArray();
        var gt = LabelmeIds.Select(id => VocAnnotationReader.Read($"{LabelmeVoc}/Annotations/{id}.xml").Objects.Select(o => o.Box).ToArray()).ToArray();
        var side = SelectiveSearchSideBySide.Run(paths, gt);
        foreach (var line in side.Table()) output.WriteLine(line);

        foreach (var (path, boxes) in paths.Zip(side.Ours.Boxes))
        {
            var size = ImageDecoder.Decode(path);
            Assert.All(boxes, b => Assert.True(b.X1 >= 1 && b.Y1 >= 1 && b.X2 <= size.Width && b.Y2 <= size.Height && b.Width >= 20 && b.Height >= 20, $"{b}"));
            Assert.Equal(boxes.Count, boxes.Distinct().Count());
            // the last merge of every hierarchy is the whole image: [1, 1, W, H] in VOC pixels (OpenCV's rect is 0-based x, y, w, h)
            Assert.Contains(PixelBox.WholeImage(size.Width, size.Height), boxes);
        }
        AssertAlike(side, boxCountTolerance: 0.1);
    }

    /// <summary>
    /// The same side by side on Fashion-MNIST scenes (<c>make-scenes</c>, seed 0, the test split of 40 images: 20
    /// scenes, ~60 GT boxes, so one box is ~1.7 recall points): recall within 2 points and box count within ±10 %.
    /// </summary>
    [OpenCvPythonFact]
    public void Fast_mode_recall_on_fashion_scenes_matches_python_opencv_at_a_similar_box_count()
    {
        using var tmp = new TempDir();
        var scenes = FashionScenes.Generate(new SceneSettings { Images = 40, Seed = 0 }, tmp.Combine("scenes"), TextWriter.Null);
        var devkit = new VocDevkit(scenes.YearFolder);
        var ids = devkit.ImageIds("test");
        var side = SelectiveSearchSideBySide.Run([.. ids.Select(devkit.ImagePath)], [.. ids.Select(id => devkit.Annotation(id).Objects.Select(o => o.Box).ToArray())]);
        foreach (var line in side.Table()) output.WriteLine(line);
        Assert.True(side.GtBoxes >= 50, $"{side.GtBoxes} GT boxes: too few for a 2-point recall tolerance");
        AssertAlike(side, boxCountTolerance: 0.1);
    }

    /// <summary>|Δrecall| ≤ 2 points, |ΔMABO| ≤ 0.02, boxes per image within ±<paramref name="boxCountTolerance"/>.</summary>
    static void AssertAlike(SelectiveSearchSideBySide side, double boxCountTolerance)
    {
        Assert.True(Math.Abs(side.Ours.Recall - side.Theirs.Recall) <= 0.02, $"recall {side.Ours.Recall:P1} vs python3-opencv {side.Theirs.Recall:P1}");
        Assert.InRange(side.Ours.BoxesPerImage / side.Theirs.BoxesPerImage, 1 - boxCountTolerance, 1 + boxCountTolerance);
        Assert.True(Math.Abs(side.Ours.Mabo - side.Theirs.Mabo) <= 0.02, $"MABO {side.Ours.Mabo:F3} vs {side.Theirs.Mabo:F3}");
    }

    [Fact]
    public void Ranking_depends_only_on_the_set_of_boxes()
    {
        var random = new Random(5);
        var boxes = Enumerable.Range(0, 300).Select(_ =>
        {
            int x = random.Next(1, 400), y = random.Next(1, 300);
            return new PixelBox(x, y, x + random.Next(19, 100), y + random.Next(19, 70));
        }).Distinct().ToArray();
        var ranked = ProposalRanking.Order(boxes, 0);
        Assert.Equal(boxes.OrderBy(b => b.GetHashCode()), ranked.OrderBy(b => b.GetHashCode()));
        Assert.Equal(ranked, ProposalRanking.Order([.. boxes.Reverse()], 0));
        Assert.NotEqual(ranked, ProposalRanking.Order(boxes, 1));
        // level × U(0,1): the largest boxes tend to come first, but the order is not simply by area
        double meanAreaFirstHalf = ranked.Take(150).Average(b => b.Area), meanAreaSecondHalf = ranked.Skip(150).Average(b => b.Area);
        Assert.True(meanAreaFirstHalf > meanAreaSecondHalf, $"{meanAreaFirstHalf} vs {meanAreaSecondHalf}");
        Assert.NotEqual(boxes.OrderByDescending(b => b.Area).ToArray(), ranked);
    }
}
