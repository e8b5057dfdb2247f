using LayerProbe.Data;

namespace LayerProbe.Tests.Data;

/// <summary>The VOC reader on the official VOC2007 ImageSets/Main files (no images needed).</summary>
public class VocDevkitTests
{
    const string OfficialMain = "/work/shared/data/voc2007-imagesets/Main";

    static VocDevkit OfficialDevkit(TempDir dir)
    {
        Directory.CreateDirectory(dir.Combine("ImageSets"));
        Directory.CreateSymbolicLink(dir.Combine("ImageSets", "Main"), ResolveMain());
        return new VocDevkit(dir.Path);
    }

    static string ResolveMain()
    {
        // CI clones beside ../shared; developer worktrees see /work/shared.
        foreach (var candidate in new[] { OfficialMain, Path.Combine(AppContext.BaseDirectory, "../../../../../../shared/data/voc2007-imagesets/Main") })
            if (Directory.Exists(candidate)) return Path.GetFullPath(candidate);
        throw new InvalidOperationException("official VOC2007 split files not found");
    }

    [Fact]
    public void Split_sizes_match_the_devkit()
    {
        using var dir = new TempDir();
        var voc = OfficialDevkit(dir);
        Assert.Equal(5011, voc.ImageIds("trainval").Count);
        Assert.Equal(4952, voc.ImageIds("test").Count);
        Assert.Equal(2501, voc.ImageIds("train").Count);
        Assert.Equal(2510, voc.ImageIds("val").Count);
        Assert.Equal(voc.ImageIds("trainval").Order(), voc.ImageIds("train").Concat(voc.ImageIds("val")).Order());
        Assert.Equal("000005", voc.ImageIds("trainval")[0]);
    }

    [Fact]
    public void Class_labels_count_positives_and_keep_difficult_only_images_as_zero()
    {
        using var dir = new TempDir();
        var voc = OfficialDevkit(dir);
        var aeroplane = voc.ClassLabels("aeroplane", "trainval");
        Assert.Equal(5011, aeroplane.Count);
        Assert.Equal(238, aeroplane.Values.Count(l => l == 1));
        var set = new VocWholeImages(voc, "trainval");
        Assert.Equal(238, set.Labels.CountOf(0, 1));
        for (int c = 0; c < 20; c++)
            Assert.Equal(5011, set.Labels.CountOf(c, 1) + set.Labels.CountOf(c, -1) + set.Labels.CountOf(c, 0));
        // label 0 exists in the official files and is kept as 0, distinct from −1
        var zeros = Enumerable.Range(0, 20).Sum(c => set.Labels.CountOf(c, 0));
        Assert.True(zeros > 0);
        var (id, _) = aeroplane.First(p => p.Value == 0);
        int row = Enumerable.Range(0, set.Count).First(i => set.Id(i) == id);
        Assert.Equal(0, set.Labels[row, 0]);
        // every trainval image has at least one +1 or 0 label
        Assert.All(Enumerable.Range(0, set.Count), i => Assert.Contains(Enumerable.Range(0, 20), c => set.Labels[i, c] >= 0));
        Assert.Null(set.Labels.ClassIndex);
    }

    [Fact]
    public void Classes_are_in_devkit_order()
    {
        Assert.Equal(20, VocClasses.Names.Count);
        Assert.Equal("aeroplane", VocClasses.Names[0]);
        Assert.Equal("tvmonitor", VocClasses.Names[19]);
        Assert.Equal(14, VocClasses.IndexOf("person"));
        Assert.Equal(-1, VocClasses.IndexOf("Person"));
    }

    [Fact]
    public void Missing_split_file_names_the_file()
    {
        using var dir = new TempDir();
        var voc = OfficialDevkit(dir);
        var e = Assert.Throws<LayerProbeException>(() => voc.ImageIds("trainvaltest"));
        Assert.StartsWith(voc.SplitFile("trainvaltest") + ": ", e.Message);
        Assert.Contains("not found", e.Message);
        Assert.Throws<LayerProbeException>(() => voc.ClassLabels("zebra", "trainval"));
    }

    [Fact]
    public void Malformed_label_line_names_file_and_line()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.Combine("ImageSets", "Main"));
        File.WriteAllText(dir.Combine("ImageSets", "Main", "cat_val.txt"), "000001  1\n000002 2\n");
        var e = Assert.Throws<LayerProbeException>(() => new VocDevkit(dir.Path).ClassLabels("cat", "val"));
        Assert.Contains("cat_val.txt: line 2", e.Message);
    }
}
