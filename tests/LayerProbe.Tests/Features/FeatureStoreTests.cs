using System.Buffers.Binary;
using System.Text;
using LayerProbe.Features;

namespace LayerProbe.Tests.Features;

public class FeatureStoreTests
{
    static FeatureManifest Manifest(string key = "k") => new()
    {
        ModelPath = "m.onnx", ModelSha256 = "00", DataName = "d", DataFingerprint = "f", Preprocessing = "p", LayerAlias = "pool5",
        LayerValue = "pool5", Shape = [2, 3, 4], DType = "float32", Key = key, FormatVersion = 1, ToolVersion = "t",
        DotNetVersion = "n", OnnxRuntimeVersion = "o", Created = "c", Rows = 0, Complete = false,
    };

    static float[] Rows(int rows, int cols, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, rows * cols).Select(_ => (float)(random.NextDouble() * 20 - 10)).ToArray();
    }

    static string[] Ids(int first, int count) => Enumerable.Range(first, count).Select(i => $"item/{i}").ToArray();

    static void WriteStore(string dir, FeatureDType dtype, float[] values, int rows, int chunk)
    {
        var header = FeatureMatrixHeader.ForShape(dtype, rows, [2, 3, 4]);
        using var w = FeatureStoreWriter.OpenOrCreate(dir, header, Manifest());
        for (int r = 0; r < rows; r += chunk)
        {
            int n = Math.Min(chunk, rows - r);
            w.Append(values.AsSpan(r * 24, n * 24), Ids(r, n));
            w.Commit();
        }
        w.Complete();
    }

    [Theory]
    [InlineData(FeatureDType.Float32)]
    [InlineData(FeatureDType.Float16)]
    public void Rows_placed_at_their_block_offset_make_the_same_store_as_copied_rows(FeatureDType dtype)
    {
        using var copied = new TempDir();
        using var placed = new TempDir();
        const int rows = 700; // 24 floats a row: row offsets wander through the 4 KiB blocks
        var values = Rows(rows, 24, 3);
        WriteStore(copied.Path, dtype, values, rows, chunk: 37);

        var header = FeatureMatrixHeader.ForShape(dtype, rows, [2, 3, 4]);
        using (var w = FeatureStoreWriter.OpenOrCreate(placed.Path, header, Manifest()))
        {
            using var buffer = new BlockAlignedRows(37 * 24);
            for (int r = 0; r < rows; r += 37)
            {
                int n = Math.Min(37, rows - r);
                values.AsSpan(r * 24, n * 24).CopyTo(buffer.Place(w.BlockOffsetOfRow(r), n * 24).Span);
                w.Append(buffer, Ids(r, n));
                w.Commit();
            }
            w.Complete();
        }
        foreach (var file in new[] { FeatureStoreFiles.Matrix, FeatureStoreFiles.Ids })
            Assert.Equal(File.ReadAllBytes(Path.Combine(copied.Path, file)), File.ReadAllBytes(Path.Combine(placed.Path, file)));
    }

    [Fact]
    public void Rows_placed_for_another_row_are_refused()
    {
        using var tmp = new TempDir();
        using var w = FeatureStoreWriter.OpenOrCreate(tmp.Path, FeatureMatrixHeader.ForShape(FeatureDType.Float32, 10, [2, 3, 4]), Manifest());
        using var buffer = new BlockAlignedRows(2 * 24);
        buffer.Place(w.BlockOffsetOfRow(1), 2 * 24);
        Assert.Throws<ArgumentException>(() => w.Append(buffer, Ids(0, 2)));
    }

    [Theory]
    [InlineData(FeatureDType.Float32)]
    [InlineData(FeatureDType.Float16)]
    public void Written_rows_read_back_through_the_memory_map(FeatureDType dtype)
    {
        using var tmp = new TempDir();
        var values = Rows(10, 24, 1);
        WriteStore(tmp.Path, dtype, values, 10, chunk: 3);

        using var m = FeatureMatrix.Open(tmp.Path);
        Assert.Equal(10, m.RowCount);
        Assert.Equal(24, m.Cols);
        Assert.Equal((2, 3, 4), (m.Header.Channels, m.Header.Height, m.Header.Width));
        Assert.Equal(Ids(0, 10), m.Ids);
        var copy = new float[24];
        for (int r = 0; r < 10; r++)
        {
            var expected = values.AsSpan(r * 24, 24).ToArray();
            if (dtype == FeatureDType.Float16) expected = expected.Select(v => (float)(Half)v).ToArray();
            Assert.Equal(expected, m.Row(r).ToArray());
            m.CopyRow(r, copy);
            Assert.Equal(expected, copy);
        }
        long expectedLength = 64 + 10L * 24 * dtype.Size();
        Assert.Equal(expectedLength, new FileInfo(Path.Combine(tmp.Path, FeatureStoreFiles.Matrix)).Length);
        Assert.Throws<ArgumentOutOfRangeException>(() => m.Row(10).ToArray());
    }

    [Fact]
    public void Incomplete_store_is_refused_unless_partial_reading_is_asked_for_and_then_shows_only_committed_rows()
    {
        using var tmp = new TempDir();
        var values = Rows(6, 24, 2);
        using (var w = FeatureStoreWriter.OpenOrCreate(tmp.Path, FeatureMatrixHeader.ForShape(FeatureDType.Float32, 6, [2, 3, 4]), Manifest()))
        {
            w.Append(values.AsSpan(0, 48), Ids(0, 2));
            w.Commit();
            w.Append(values.AsSpan(48, 24), Ids(2, 1));
        }
        var e = Assert.Throws<LayerProbeException>(() => FeatureMatrix.Open(tmp.Path));
        Assert.Contains("incomplete", e.Message);
        using var m = FeatureMatrix.Open(tmp.Path, allowPartial: true);
        Assert.Equal(2, m.RowCount);
        Assert.Equal(values.AsSpan(24, 24).ToArray(), m.Row(1).ToArray());
    }

    [Theory]
    [InlineData(FeatureDType.Float32)]
    [InlineData(FeatureDType.Float16)]
    public void Reopening_cuts_an_uncommitted_tail_and_finishes_byte_identical(FeatureDType dtype)
    {
        using var tmp = new TempDir();
        var values = Rows(9, 24, 3);
        string clean = Path.Combine(tmp.Path, "clean"), resumed = Path.Combine(tmp.Path, "resumed");
        WriteStore(clean, dtype, values, 9, chunk: 2);

        var header = FeatureMatrixHeader.ForShape(dtype, 9, [2, 3, 4]);
        using (var w = FeatureStoreWriter.OpenOrCreate(resumed, header, Manifest()))
        {
            w.Append(values.AsSpan(0, 4 * 24), Ids(0, 4));
            w.Commit();
        }
        // A kill mid-chunk: half a chunk of garbage reached the matrix, a torn id line reached the id file.
        File.AppendAllText(Path.Combine(resumed, FeatureStoreFiles.Matrix), new string('x', 37));
        File.AppendAllText(Path.Combine(resumed, FeatureStoreFiles.Ids), "item/4\nite");
        using (var w = FeatureStoreWriter.OpenOrCreate(resumed, header, Manifest()))
        {
            Assert.Equal(4, w.CommittedRows);
            for (int r = 4; r < 9; r += 3)
            {
                int n = Math.Min(3, 9 - r);
                w.Append(values.AsSpan(r * 24, n * 24), Ids(r, n));
                w.Commit();
            }
            w.Complete();
        }
        foreach (var file in new[] { FeatureStoreFiles.Matrix, FeatureStoreFiles.Ids })
            Assert.Equal(File.ReadAllBytes(Path.Combine(clean, file)), File.ReadAllBytes(Path.Combine(resumed, file)));
    }

    [Fact]
    public void A_store_with_a_different_header_restarts_from_zero()
    {
        using var tmp = new TempDir();
        var values = Rows(4, 24, 4);
        using (var w = FeatureStoreWriter.OpenOrCreate(tmp.Path, FeatureMatrixHeader.ForShape(FeatureDType.Float32, 4, [2, 3, 4]), Manifest()))
        {
            w.Append(values.AsSpan(0, 48), Ids(0, 2));
            w.Commit();
        }
        using var again = FeatureStoreWriter.OpenOrCreate(tmp.Path, FeatureMatrixHeader.ForShape(FeatureDType.Float32, 4, [24]), Manifest());
        Assert.Equal(0, again.CommittedRows);
        Assert.Equal(64, new FileInfo(Path.Combine(tmp.Path, FeatureStoreFiles.Matrix)).Length);
    }

    [Fact]
    public void Npy_export_has_a_valid_v1_header_and_the_rows_as_little_endian_float32()
    {
        using var tmp = new TempDir();
        var values = Rows(5, 24, 5);
        WriteStore(tmp.Path, FeatureDType.Float16, values, 5, chunk: 5);
        string npy = Path.Combine(tmp.Path, "x.npy");
        using (var m = FeatureMatrix.Open(tmp.Path)) NpyExport.Write(m, npy);

        var bytes = File.ReadAllBytes(npy);
        Assert.Equal(new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y' }, bytes[..6]);
        Assert.Equal(1, bytes[6]);
        Assert.Equal(0, bytes[7]);
        int headerLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8));
        Assert.Equal(0, (10 + headerLength) % 64);
        string dict = Encoding.ASCII.GetString(bytes, 10, headerLength);
        Assert.EndsWith("\n", dict);
        Assert.Equal("{'descr': '<f4', 'fortran_order': False, 'shape': (5, 24), }", dict.TrimEnd('\n', ' '));
        Assert.Equal(10 + headerLength + 5 * 24 * 4, bytes.Length);
        var data = new float[5 * 24];
        Buffer.BlockCopy(bytes, 10 + headerLength, data, 0, data.Length * 4);
        Assert.Equal(values.Select(v => (float)(Half)v).ToArray(), data);
        Assert.Empty(Directory.GetFiles(tmp.Path, "*.tmp"));
    }
}
