using LayerProbe.Data;

namespace LayerProbe.Tests.Data;

/// <summary>Annotation XML parsing: hand-written cases and the real VOC-style files of Debian labelme-examples.</summary>
public class VocAnnotationTests
{
    const string Xml = """
        <annotation>
          <folder>VOC2007</folder><filename>000005.jpg</filename>
          <size><width>500</width><height>375</height><depth>3</depth></size>
          <object><name>chair</name><pose>Rear</pose><truncated>0</truncated><difficult>0</difficult>
            <bndbox><xmin>263</xmin><ymin>211</ymin><xmax>324</xmax><ymax>339</ymax></bndbox></object>
          <object><name>chair</name><pose>Unspecified</pose><truncated>1</truncated><difficult>1</difficult>
            <bndbox><xmin>1</xmin><ymin>1</ymin><xmax>500</xmax><ymax>375</ymax></bndbox></object>
        </annotation>
        """;

    static string Write(TempDir dir, string text, string name = "000005.xml")
    {
        var path = dir.Combine(name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void Parses_size_objects_flags_and_one_based_boxes()
    {
        using var dir = new TempDir();
        var a = VocAnnotationReader.Read(Write(dir, Xml));
        Assert.Equal(("000005", 500, 375, 3), (a.ImageId, a.Width, a.Height, a.Depth));
        Assert.Equal(2, a.Objects.Count);
        var first = a.Objects[0];
        Assert.Equal(("chair", 8, "Rear", false, false), (first.ClassName, first.ClassIndex, first.Pose, first.Truncated, first.Difficult));
        Assert.Equal(new PixelBox(263, 211, 324, 339), first.Box);
        Assert.Equal(62, first.Box.Width);
        Assert.True(a.Objects[1].Difficult && a.Objects[1].Truncated);
        Assert.Equal(PixelBox.WholeImage(500, 375), a.Objects[1].Box);
    }

    [Fact]
    public void Person_layout_parts_are_not_objects()
    {
        using var dir = new TempDir();
        var a = VocAnnotationReader.Read(Write(dir, """
            <annotation><size><width>100</width><height>80</height><depth>3</depth></size><segmented>0</segmented>
              <object><name>person</name><pose>Frontal</pose><truncated>0</truncated><difficult>0</difficult>
                <bndbox><xmin>10</xmin><ymin>5</ymin><xmax>60</xmax><ymax>80</ymax></bndbox>
                <part><name>head</name><bndbox><xmin>20</xmin><ymin>5</ymin><xmax>40</xmax><ymax>25</ymax></bndbox></part>
              </object>
            </annotation>
            """));
        var person = Assert.Single(a.Objects);
        Assert.Equal(("person", new PixelBox(10, 5, 60, 80)), (person.ClassName, person.Box));
    }

    [Theory]
    [InlineData("<annotation><size>", "malformed XML")]
    [InlineData("<annotation><size><width>10</width><height>10</height></size><object><name>zebra</name><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>2</xmax><ymax>2</ymax></bndbox></object></annotation>", "unknown class name 'zebra'")]
    [InlineData("<annotation><size><width>10</width><height>10</height></size><object><name>cat</name><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>11</xmax><ymax>2</ymax></bndbox></object></annotation>", "outside the 10x10 image")]
    [InlineData("<annotation><size><width>10</width><height>10</height></size><object><name>cat</name><bndbox><xmin>0</xmin><ymin>1</ymin><xmax>5</xmax><ymax>2</ymax></bndbox></object></annotation>", "outside")]
    [InlineData("<annotation><size><width>10</width><height>10</height></size><object><name>cat</name><bndbox><xmin>a</xmin></bndbox></object></annotation>", "<xmin> is not a number")]
    [InlineData("<annotation><object/></annotation>", "<annotation> has no <size>")]
    public void Bad_annotations_name_the_file_and_problem(string xml, string problem)
    {
        using var dir = new TempDir();
        var path = Write(dir, xml);
        var e = Assert.Throws<LayerProbeException>(() => VocAnnotationReader.Read(path));
        Assert.StartsWith(path + ": ", e.Message);
        Assert.Contains(problem, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Gt_box_items_one_per_object_with_difficult_flag()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.Combine("ImageSets", "Main"));
        Directory.CreateDirectory(dir.Combine("Annotations"));
        File.WriteAllText(dir.Combine("ImageSets", "Main", "test.txt"), "000005\n000007\n");
        File.WriteAllText(dir.Combine("Annotations", "000005.xml"), Xml);
        File.WriteAllText(dir.Combine("Annotations", "000007.xml"), Xml.Replace("chair", "car").Replace("000005", "000007"));
        var voc = new VocDevkit(dir.Path);
        var all = new VocGtBoxes(voc, "test");
        Assert.Equal(["000005/gt/0", "000005/gt/1", "000007/gt/0", "000007/gt/1"], Enumerable.Range(0, 4).Select(all.Id));
        Assert.Equal([8, 8, 6, 6], all.Labels.ClassIndex!);
        Assert.True(all.Difficult(1));
        var easy = new VocGtBoxes(voc, "test", includeDifficult: false);
        Assert.Equal(["000005/gt/0", "000007/gt/0"], Enumerable.Range(0, easy.Count).Select(easy.Id));
    }

    public static TheoryData<string> LabelmeFiles()
    {
        var data = new TheoryData<string>();
        const string dir = "/usr/share/doc/labelme-examples/examples/bbox_detection/data_dataset_voc/Annotations";
        if (Directory.Exists(dir)) foreach (var f in Directory.GetFiles(dir, "*.xml").Order()) data.Add(f);
        else data.Add("");
        return data;
    }

    [LabelmeTheory]
    [MemberData(nameof(LabelmeFiles))]
    public void Real_labelme_voc_annotations_parse_with_boxes_inside_the_image(string path)
    {
        var a = VocAnnotationReader.Read(path);
        Assert.True(a.Width > 0 && a.Height > 0);
        Assert.NotEmpty(a.Objects);
        Assert.All(a.Objects, o =>
        {
            Assert.InRange(o.ClassIndex, 0, 19);
            Assert.InRange(o.Box.X1, 1, o.Box.X2);
            Assert.InRange(o.Box.X2, o.Box.X1, a.Width);
            Assert.InRange(o.Box.Y2, o.Box.Y1, a.Height);
        });
        // the companion JPEG decodes to the annotated size
        var jpg = Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(path))!, "JPEGImages", a.ImageId + ".jpg");
        if (File.Exists(jpg))
        {
            var image = ImageDecoder.Decode(jpg);
            Assert.Equal((a.Width, a.Height), (image.Width, image.Height));
        }
    }
}

/// <summary>Skipped, with the reason, when Debian labelme-examples is not installed (never on CI: see ExternalReferences).</summary>
sealed class LabelmeTheoryAttribute : TheoryAttribute
{
    public LabelmeTheoryAttribute()
    {
        if (References.ExternalReference.SkipReason(References.ExternalReferences.Get(References.ExternalReferences.LabelmeVoc)) is { } why) Skip = why;
    }
}
