using LayerProbe.Features;

namespace LayerProbe.Tests.Features;

/// <summary>
/// The aligned direct-I/O appender against a plain in-memory model of the file: random write sizes (crossing the
/// 4 MiB staging buffer and 4 KiB blocks), staged or in place, flushes at random points, resets to flushed lengths, reopening.
/// </summary>
public class DirectAppendFileTests
{
    public static TheoryData<string> Folders()
    {
        var folders = new TheoryData<string> { Path.GetTempPath() };
        if (Directory.Exists("/dev/shm")) folders.Add("/dev/shm");  // tmpfs: no O_DIRECT, the buffered fallback
        return folders;
    }

    [Theory]
    [MemberData(nameof(Folders))]
    public void Appends_flushes_resets_and_reopens_exactly_like_a_byte_list(string folder)
    {
        string path = Path.Combine(folder, $"direct-append-{Guid.NewGuid():N}.bin");
        var random = new Random(7);
        var expected = new List<byte>();
        var header = new byte[64];
        random.NextBytes(header);
        File.WriteAllBytes(path, header);
        expected.AddRange(header);
        try
        {
            long durable = expected.Count;
            var file = DirectAppendFile.Open(path, expected.Count);
            for (int step = 0; step < 60; step++)
            {
                int size = random.Next(4) switch { 0 => random.Next(1, 100), 1 => random.Next(4000, 9000), 2 => random.Next(1 << 20, 5 << 20), _ => 4096 };
                var bytes = new byte[size];
                random.NextBytes(bytes);
                if (random.Next(3) == 0) // in place: the bytes already sit behind the partial last block's length
                {
                    using var rows = new BlockAlignedRows((size + 3) / 4);
                    int lead = (int)(file.Length % DirectAppendFile.Alignment);
                    rows.Blocks[..lead].Fill(0xEE); // whatever is there is overwritten by the partial block
                    bytes.CopyTo(rows.Blocks[lead..]);
                    file.WriteInPlace(rows.Blocks, lead, size);
                }
                else file.Write(bytes);
                expected.AddRange(bytes);
                Assert.Equal(expected.Count, file.Length);
                switch (random.Next(6))
                {
                    case 0:
                    case 1:
                        file.Flush();
                        durable = expected.Count;
                        Assert.Equal(expected.ToArray(), ReadShared(path));
                        break;
                    case 2:  // drop everything since the last flush, possibly more
                        long back = random.Next(2) == 0 ? durable : Math.Max(64, durable - random.Next(1, 10000));
                        file.Reset(back);
                        expected.RemoveRange((int)back, expected.Count - (int)back);
                        durable = back;
                        break;
                    case 3:  // crash without flushing, then reopen at the durable length
                        file.Dispose();
                        file = DirectAppendFile.Open(path, durable);
                        expected.RemoveRange((int)durable, expected.Count - (int)durable);
                        break;
                }
            }
            file.Flush();
            file.Dispose();
            Assert.Equal(expected.ToArray(), File.ReadAllBytes(path));
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void In_place_rows_must_start_where_the_last_block_ends_and_on_a_block_boundary_in_memory()
    {
        string path = Path.Combine(Path.GetTempPath(), $"direct-append-{Guid.NewGuid():N}.bin");
        File.WriteAllBytes(path, new byte[64]);
        try
        {
            using var file = DirectAppendFile.Open(path, 64);
            using var rows = new BlockAlignedRows(100);
            Assert.Contains("holds 64", Assert.Throws<ArgumentException>(() => file.WriteInPlace(rows.Blocks, 0, 400)).Message);
            Assert.Throws<ArgumentException>(() => file.WriteInPlace(rows.Blocks[4..], 64, 400));
            Assert.Throws<ArgumentException>(() => file.WriteInPlace(rows.Blocks[..4096], 64, 4096)); // needs two blocks
            Assert.Equal(64, file.Length);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void Direct_io_is_used_on_linux_unless_the_folder_is_tmpfs()
    {
        string path = Path.Combine(Path.GetTempPath(), $"direct-append-{Guid.NewGuid():N}.bin");
        File.WriteAllBytes(path, []);
        try
        {
            using var file = DirectAppendFile.Open(path, 0);
            bool tmpfs = OperatingSystem.IsLinux() && File.ReadAllLines("/proc/mounts").Select(l => l.Split(' ')).Where(f => f.Length > 2 && Path.GetTempPath().StartsWith(f[1], StringComparison.Ordinal))
                .MaxBy(f => f[1].Length)?[2] == "tmpfs";
            Assert.Equal(OperatingSystem.IsLinux() && !tmpfs, file.Direct);
        }
        finally { File.Delete(path); }
    }

    static byte[] ReadShared(string path)
    {
        using var s = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        var bytes = new byte[s.Length];
        s.ReadExactly(bytes);
        return bytes;
    }
}
