using LayerProbe.Cli;
using LayerProbe.Data;
using LayerProbe.Proposals;
using LayerProbe.Tests.Data;

namespace LayerProbe.Tests.Proposals;

public class ProposalStoreTests
{
    static string? CompleteStore(string outDir) =>
        Directory.Exists(outDir) ? Directory.GetDirectories(outDir).SingleOrDefault(ProposalStoreFiles.IsComplete) : null;

    [Fact]
    public void Computed_store_maps_boxes_per_image_and_survives_a_csv_round_trip()
    {
        using var tmp = new TempDir();
        string devkit = ProposalImages.Devkit(tmp, trainval: 3);
        Assert.Equal(0, CliApp.Run(["proposals", "--data", $"voc2007:{devkit}:trainval", "--out", tmp.Combine("ss"), "--threads", "2", "--export-csv", tmp.Combine("ss.csv")]));
        string dir = CompleteStore(tmp.Combine("ss"))!;
        Assert.False(Directory.Exists(Path.Combine(dir, ProposalStoreFiles.Pending)));
        var images = ImageFileSet.FromSpec($"voc2007:{devkit}:trainval");
        using (var store = ProposalStore.Open(dir))
        {
            Assert.Equal(images.Ids, store.Images.Select(i => i.Id));
            for (int i = 0; i < images.Count; i++)
            {
                var direct = SelectiveSearch.Run(File.ReadAllBytes(images.Paths[i]), SelectiveSearchSettings.Fast, images.Paths[i]);
                Assert.Equal(direct.Boxes, store.Boxes(i));
                Assert.Equal((160, 120), (store.Images[i].Width, store.Images[i].Height));
                Assert.True(store.Images[i].Rows > 20);
            }
        }
        // the exported CSV imported again gives the same rows (another key: an import of that file)
        Assert.Equal(0, CliApp.Run(["proposals", "--data", $"voc2007:{devkit}:trainval", "--out", tmp.Combine("csv"), "--import", tmp.Combine("ss.csv")]));
        string imported = CompleteStore(tmp.Combine("csv"))!;
        Assert.Equal(File.ReadAllBytes(Path.Combine(dir, ProposalStoreFiles.Boxes)), File.ReadAllBytes(Path.Combine(imported, ProposalStoreFiles.Boxes)));
        Assert.Equal(File.ReadAllBytes(Path.Combine(dir, ProposalStoreFiles.Images)), File.ReadAllBytes(Path.Combine(imported, ProposalStoreFiles.Images)));
        // a second run finds the store complete and leaves it alone
        var written = File.GetLastWriteTimeUtc(Path.Combine(dir, ProposalStoreFiles.Boxes));
        Assert.Equal(0, CliApp.Run(["proposals", "--data", $"voc2007:{devkit}:trainval", "--out", tmp.Combine("ss")]));
        Assert.Equal(written, File.GetLastWriteTimeUtc(Path.Combine(dir, ProposalStoreFiles.Boxes)));
    }

    static void WriteMat(string path, string[] ids, string boxesPython) => PythonReference.RunOrFail($"""
        import numpy as np, scipy.io
        ids = [{string.Join(",", ids.Select(i => $"'{i}'"))}]
        boxes = np.empty((1, len(ids)), dtype=object)
        {boxesPython}
        images = np.empty((len(ids), 1), dtype=object)
        for i, s in enumerate(ids): images[i, 0] = s
        scipy.io.savemat('{path}', {"{"}'boxes': boxes, 'images': images{"}"}, do_compression=True)
        """);

    [ScipyFact]
    public void Mat_import_stores_the_files_boxes_and_bad_input_is_refused_with_nothing_written()
    {
        using var tmp = new TempDir();
        string devkit = ProposalImages.Devkit(tmp, trainval: 2);
        var test = SelectiveSearchReferenceTests.LabelmeIds;
        string good = tmp.Combine("voc_2007_test.mat");
        WriteMat(good, test, "for i in range(len(ids)): boxes[0, i] = np.array([[1, 1, 338, 500], [10, 20, 110, 220], [5, 6, 7, 8]][: i + 1], dtype=np.float64)");
        Assert.Equal(0, CliApp.Run(["proposals", "--data", $"voc2007:{devkit}:test", "--out", tmp.Combine("good"), "--import", good]));
        using (var store = ProposalStore.Open(CompleteStore(tmp.Combine("good"))!))
        {
            Assert.Equal(6, store.Rows);
            Assert.Equal([new PixelBox(1, 1, 500, 338)], store.Boxes(0));
            Assert.Equal([new PixelBox(1, 1, 500, 338), new PixelBox(20, 10, 220, 110), new PixelBox(6, 5, 8, 7)], store.Boxes(2));
        }

        string otherSplit = tmp.Combine("voc_2007_trainval.mat");
        WriteMat(otherSplit, ["900000", "900001"], "for i in range(len(ids)): boxes[0, i] = np.array([[1, 1, 50, 50]], dtype=np.float64)");
        string outside = tmp.Combine("outside.mat");
        WriteMat(outside, test, "for i in range(len(ids)): boxes[0, i] = np.array([[1, 1, 338, 501]], dtype=np.float64)"); // x2 = 501 > width 500
        string corrupt = tmp.Combine("corrupt.mat");
        File.WriteAllBytes(corrupt, File.ReadAllBytes(good)[..300]);
        foreach (var (file, problem) in new[] { (otherSplit, "not in voc2007/test"), (outside, "lies outside"), (corrupt, "corrupt MAT file") })
        {
            string outDir = tmp.Combine("bad-" + Path.GetFileNameWithoutExtension(file));
            var e = Assert.Throws<LayerProbeException>(() => ProposalImport.Import(ImageFileSet.FromSpec($"voc2007:{devkit}:test"), file, outDir));
            Assert.StartsWith($"{file}: ", e.Message);
            Assert.Contains(problem, e.Message);
            Assert.Equal(2, CliApp.Run(["proposals", "--data", $"voc2007:{devkit}:test", "--out", outDir, "--import", file]));
            Assert.Null(CompleteStore(outDir));
            Assert.Empty(Directory.Exists(outDir) ? Directory.GetFiles(outDir, "*", SearchOption.AllDirectories) : []);
        }
    }

    [Fact]
    public void An_image_missing_from_JPEGImages_stops_compute_and_import_naming_it()
    {
        using var tmp = new TempDir();
        string devkit = ProposalImages.Devkit(tmp, trainval: 2);
        string missing = Path.Combine(devkit, "JPEGImages", "900001.jpg");
        File.Delete(missing);
        File.WriteAllText(tmp.Combine("p.csv"), "image_id,x1,y1,x2,y2\n900000,1,1,20,20\n");
        var images = ImageFileSet.FromSpec($"voc2007:{devkit}:trainval");
        var e = Assert.Throws<LayerProbeException>(() => ProposalRun.Compute(images, SelectiveSearchSettings.Fast, tmp.Combine("ss"), 1));
        Assert.StartsWith($"{missing}: ", e.Message);
        e = Assert.Throws<LayerProbeException>(() => ProposalImport.Import(images, tmp.Combine("p.csv"), tmp.Combine("csv")));
        Assert.StartsWith($"{missing}: ", e.Message);
        Assert.Equal(2, CliApp.Run(["proposals", "--data", $"voc2007:{devkit}:trainval", "--out", tmp.Combine("ss")]));
        Assert.False(Directory.Exists(tmp.Combine("ss")) && Directory.EnumerateFileSystemEntries(tmp.Combine("ss")).Any());
    }

    [Fact]
    public void Csv_for_another_split_is_refused()
    {
        using var tmp = new TempDir();
        string devkit = ProposalImages.Devkit(tmp, trainval: 1);
        File.WriteAllText(tmp.Combine("p.csv"), "image_id,x1,y1,x2,y2\n2011_000003,1,1,20,20\n");
        var e = Assert.Throws<LayerProbeException>(() => ProposalImport.Import(ImageFileSet.FromSpec($"voc2007:{devkit}:trainval"), tmp.Combine("p.csv"), tmp.Combine("o")));
        Assert.StartsWith($"{tmp.Combine("p.csv")}:2: unknown image id '2011_000003'", e.Message);
        Assert.Null(CompleteStore(tmp.Combine("o")));
    }
}
