using LayerProbe.Data;
using LayerProbe.Probes;
using LayerProbe.Scenes;

namespace LayerProbe.Tests.Scenes;

/// <summary>
/// The Fashion-MNIST scenes devkit read back with the project's VOC readers and checked against VOC's rules and
/// against the pixels of the written JPEGs (decoded with ImageSharp).
/// </summary>
public class FashionScenesTests(SceneFixture scenes) : IClassFixture<SceneFixture>
{
    static IEnumerable<VocAnnotation> Annotations(VocDevkit devkit) =>
        devkit.ImageIds("trainval").Concat(devkit.ImageIds("test")).Select(devkit.Annotation);

    [Fact]
    public void Devkit_loads_with_the_VOC_readers_and_image_labels_follow_the_annotations()
    {
        var devkit = new VocDevkit(scenes.YearFolder);
        Assert.Equal(SceneClasses.Names, devkit.Classes);
        var trainVal = devkit.ImageIds("trainval");
        var test = devkit.ImageIds("test");
        Assert.Equal(24, trainVal.Count);
        Assert.Equal(24, test.Count);
        Assert.Empty(trainVal.Intersect(test));
        Assert.Equal(trainVal.Order(), devkit.ImageIds("train").Concat(devkit.ImageIds("val")).Order());
        Assert.Empty(devkit.ImageIds("train").Intersect(devkit.ImageIds("val")));
        foreach (var split in new[] { "train", "val", "trainval", "test" })
        {
            var whole = new VocWholeImages(devkit, split);
            for (int i = 0; i < whole.Count; i++)
            {
                var objects = devkit.Annotation(whole.Id(i)).Objects;
                for (int c = 0; c < devkit.Classes.Count; c++)
                {
                    int expected = objects.Any(o => o.ClassIndex == c && !o.Difficult) ? 1 : objects.Any(o => o.ClassIndex == c) ? 0 : -1;
                    Assert.Equal(expected, whole.Labels[i, c]);
                }
            }
        }
        // GT-box items load too, one per object, difficult ones included by default
        var boxes = new VocGtBoxes(devkit, "test");
        Assert.Equal(test.Sum(id => devkit.Annotation(id).Objects.Count), boxes.Count);
        Assert.True(File.Exists(devkit.ImagePath(test[0])));
    }

    [Fact]
    public void Objects_follow_the_generator_rules_truncated_difficult_and_overlap()
    {
        var devkit = new VocDevkit(scenes.YearFolder);
        int truncated = 0, difficult = 0, objects = 0;
        foreach (var a in Annotations(devkit))
        {
            Assert.Equal((320, 240, 3), (a.Width, a.Height, a.Depth));
            Assert.InRange(a.Objects.Count, 1, SceneLayout.MaxObjects);
            foreach (var o in a.Objects)
            {
                var b = o.Box;
                Assert.True(b.X1 >= 1 && b.Y1 >= 1 && b.X2 <= a.Width && b.Y2 <= a.Height && b.X1 <= b.X2 && b.Y1 <= b.Y2, $"{a.ImageId}: {b}");
                bool touches = b.X1 == 1 || b.Y1 == 1 || b.X2 == a.Width || b.Y2 == a.Height;
                Assert.True(touches == o.Truncated, $"{a.ImageId}: {o.ClassName} {b} truncated={o.Truncated}");
                Assert.Equal(b.Area < 40 * 40, o.Difficult);
                Assert.True(Math.Max(b.Width, b.Height) <= SceneLayout.MaxSide, $"{a.ImageId}: {b} larger than any item");
                truncated += o.Truncated ? 1 : 0; difficult += o.Difficult ? 1 : 0; objects++;
            }
            for (int i = 0; i < a.Objects.Count; i++)
                for (int j = i + 1; j < a.Objects.Count; j++)
                    Assert.True(BoxOverlap.IoU(a.Objects[i].Box, a.Objects[j].Box) <= SceneLayout.MaxBoxIoU, $"{a.ImageId}: objects {i}, {j} overlap");
        }
        Assert.Equal(scenes.Result.Objects, objects);
        Assert.InRange(truncated, objects / 20, objects / 2);
        Assert.InRange(difficult, objects / 20, objects / 2);
    }

    /// <summary>
    /// Over a black photograph a pixel's brightness is at most its opacity times 255, so every pixel brighter than
    /// ½ (with a JPEG allowance) is some object's visible pixel and must lie in its box; and every box edge must run
    /// through the object (a box of the 28×28 frame, or a loose one, has black edges).
    /// </summary>
    [Fact]
    public void Boxes_are_tight_around_the_blended_objects_in_the_written_images()
    {
        var devkit = new VocDevkit(scenes.BlackYearFolder);
        int edges = 0, edgesHit = 0;
        foreach (var a in Annotations(devkit))
        {
            var image = ImageDecoder.Decode(devkit.ImagePath(a.ImageId));
            int Bright(int x, int y) // 1-based VOC pixel
            {
                int i = 3 * ((y - 1) * image.Width + x - 1);
                return Math.Max(image.Pixels[i], Math.Max(image.Pixels[i + 1], image.Pixels[i + 2]));
            }
            for (int y = 1; y <= a.Height; y++)
                for (int x = 1; x <= a.Width; x++)
                    if (Bright(x, y) >= 140)
                        Assert.True(a.Objects.Any(o => x >= o.Box.X1 - 1 && x <= o.Box.X2 + 1 && y >= o.Box.Y1 - 1 && y <= o.Box.Y2 + 1),
                            $"{a.ImageId}: bright pixel ({x}, {y}) is in no box");
            foreach (var o in a.Objects)
            {
                var b = o.Box;
                int x1 = (int)b.X1, y1 = (int)b.Y1, x2 = (int)b.X2, y2 = (int)b.Y2;
                var lines = new[]
                {
                    Enumerable.Range(y1, y2 - y1 + 1).Max(y => Bright(x1, y)), Enumerable.Range(y1, y2 - y1 + 1).Max(y => Bright(x2, y)),
                    Enumerable.Range(x1, x2 - x1 + 1).Max(x => Bright(x, y1)), Enumerable.Range(x1, x2 - x1 + 1).Max(x => Bright(x, y2)),
                };
                edges += 4;
                edgesHit += lines.Count(v => v >= 12);
                Assert.True(lines.All(v => v >= 6), $"{a.ImageId}: {o.ClassName} {b}: a box edge misses the object ({string.Join(", ", lines)})");
            }
        }
        Assert.True(edgesHit >= edges * 97 / 100, $"{edgesHit} of {edges} box edges run through a clearly visible object pixel");
    }
}

/// <summary>A devkit's own class list (classes.txt) and its errors.</summary>
public class DevkitClassListTests
{
    [Fact]
    public void A_year_folder_without_a_class_list_has_the_VOC_classes_and_a_bad_list_is_one_clear_error()
    {
        using var dir = new LayerProbe.Tests.Data.TempDir();
        Directory.CreateDirectory(dir.Combine("ImageSets", "Main"));
        Assert.Equal(VocClasses.Names, new VocDevkit(dir.Path).Classes);
        var list = dir.Combine(VocDevkit.ClassListFile);
        File.WriteAllText(list, "cat\ndog\n\nbird\n");
        Assert.Equal(["cat", "dog", "bird"], new VocDevkit(dir.Path).Classes);
        foreach (var bad in new[] { "cat\ncat\n", "T-shirt/top\n", "ankle boot\n", "\n" })
        {
            File.WriteAllText(list, bad);
            Assert.StartsWith(list + ": ", Assert.Throws<LayerProbeException>(() => new VocDevkit(dir.Path)).Message);
        }
    }
}
