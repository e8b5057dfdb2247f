using System.Text;
using LayerProbe.Features;

namespace LayerProbe.Tests.Features;

public class StoredIdsTests
{
    /// <summary>Ids of varied length: ASCII region ids, non-ASCII names, an empty id, one longer than the 64 KB window.</summary>
    static List<string> VariedIds(int count, int seed)
    {
        var random = new Random(seed);
        var ids = new List<string>();
        for (int i = 0; i < count; i++)
            ids.Add((i % 97) switch
            {
                5 => "",
                7 => $"Ölbild_ß_{i}/写真_{random.Next()}.jpg",
                11 when i == 11 => new string('x', 150_000) + i,
                _ => $"{random.Next(1000000):D6}/{i}",
            });
        return ids;
    }

    [Fact]
    public void Ids_read_on_demand_equal_a_text_reader_in_any_order_and_from_many_threads()
    {
        using var tmp = new TempDir();
        var ids = VariedIds(5_000, 1);
        string path = tmp.Sub("ids.txt");
        File.WriteAllText(path, string.Join("\n", ids) + "\nhalf-written", new UTF8Encoding(false)); // an uncommitted partial line after the rows
        using var stored = StoredIds.Open(path, ids.Count, tmp.Path);

        Assert.Equal(ids.Count, stored.Count);
        Assert.Equal(File.ReadLines(path).Take(ids.Count), stored); // in order
        var random = new Random(2);
        for (int t = 0; t < 3_000; t++)
        {
            int i = random.Next(ids.Count);
            Assert.Equal(ids[i], stored[i]);
        }
        for (int i = ids.Count - 1; i >= 0; i -= 3) Assert.Equal(ids[i], stored[i]); // backwards
        Parallel.For(0, 8, p =>
        {
            var r = new Random(p);
            for (int t = 0; t < 2_000; t++)
            {
                int i = r.Next(ids.Count);
                Assert.Equal(ids[i], stored[i]);
            }
        });
        Assert.Throws<ArgumentOutOfRangeException>(() => stored[ids.Count]);
    }

    [Fact]
    public void Crlf_and_an_unterminated_last_line_read_as_a_text_reader_reads_them()
    {
        using var tmp = new TempDir();
        string path = tmp.Sub("ids.txt");
        File.WriteAllText(path, "a\r\nbb\nccc");
        using (var stored = StoredIds.Open(path, 3, tmp.Path))
            Assert.Equal(["a", "bb", "ccc"], stored);
        using (var two = StoredIds.Open(path, 2, tmp.Path))
            Assert.Equal(["a", "bb"], two);
        using (var none = StoredIds.Open(path, 0, tmp.Path))
            Assert.Empty(none);
        var e = Assert.Throws<LayerProbeException>(() => StoredIds.Open(path, 4, tmp.Path));
        Assert.Equal($"{tmp.Path}: 3 ids for 4 rows", e.Message);
    }

    [Fact]
    public void A_store_without_its_id_file_is_one_clear_line()
    {
        using var tmp = new TempDir();
        string store = tmp.Sub("store");
        var manifest = new FeatureManifest
        {
            ModelPath = "m.onnx", ModelSha256 = "00", DataName = "d", DataFingerprint = "f", Preprocessing = "none", LayerAlias = "fc7", LayerValue = "fc7",
            Shape = [2], DType = "float32", Key = "k", FormatVersion = 1, ToolVersion = "t", DotNetVersion = "n", OnnxRuntimeVersion = "o", Created = "c", Rows = 0, Complete = false,
        };
        using (var w = FeatureStoreWriter.OpenOrCreate(store, FeatureMatrixHeader.ForShape(FeatureDType.Float32, 2, [2]), manifest))
        {
            w.Append([1, 2, 3, 4], ["a", "b"]);
            w.Commit();
            w.Complete();
        }
        using (var m = FeatureMatrix.Open(store)) Assert.Equal(["a", "b"], m.Ids);
        File.Delete(Path.Combine(store, FeatureStoreFiles.Ids));
        var e = Assert.Throws<LayerProbeException>(() => FeatureMatrix.Open(store));
        Assert.Equal($"{store}: no item ids (ids.txt missing)", e.Message);
    }
}
