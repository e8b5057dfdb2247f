using System.IO.Hashing;
using LayerProbe.Data;

namespace LayerProbe.Tests.Data;

/// <summary>Content fingerprints: file bytes decide, the cache only saves reading, and a damaged cache is never trusted.</summary>
public class FileContentHashesTests
{
    /// <summary>Shorter than the default, still far longer than the file system's timestamp granularity (a few ms).</summary>
    static readonly TimeSpan Racy = TimeSpan.FromMilliseconds(300);

    static FileContentHashes Cache(string? file) => new(file, Racy);

    /// <summary>Writes files and waits until they are older than the racy window, so that the cache may keep them.</summary>
    static string[] SettledFiles(TempDir tmp, int count)
    {
        var paths = Enumerable.Range(0, count).Select(i => tmp.Combine($"f{i}.bin")).ToArray();
        var random = new Random(count);
        foreach (var p in paths)
        {
            var bytes = new byte[5000];
            random.NextBytes(bytes);
            File.WriteAllBytes(p, bytes);
        }
        Thread.Sleep(Racy + TimeSpan.FromMilliseconds(100));
        return paths;
    }

    static string Fingerprint(FileContentHashes cache, IEnumerable<string> paths)
    {
        var f = new Fingerprints(cache);
        foreach (var p in paths) f.Add(Path.GetFileName(p)).AddFile(p);
        return f.Finish();
    }

    [Fact]
    public void The_hash_is_xxh128_of_the_bytes()
    {
        using var tmp = new TempDir();
        var bytes = new byte[3_000_000]; // several read buffers
        new Random(1).NextBytes(bytes);
        File.WriteAllBytes(tmp.Combine("a"), bytes);
        Assert.Equal("xxh128:" + Convert.ToHexStringLower(XxHash128.Hash(bytes)), Cache(null).Hash(tmp.Combine("a")));
    }

    [Fact]
    public void An_edit_of_the_same_size_with_the_modification_time_restored_changes_the_fingerprint()
    {
        using var tmp = new TempDir();
        var paths = SettledFiles(tmp, 3);
        string cacheFile = tmp.Combine("cache", "hashes.txt");
        var cold = Cache(cacheFile);
        string before = Fingerprint(cold, paths);
        Assert.Equal(3, cold.FilesRead); // first run: every file read
        Assert.True(File.Exists(cacheFile));

        var warm = Cache(cacheFile);
        Assert.Equal(before, Fingerprint(warm, paths));
        Assert.Equal(0, warm.FilesRead); // unchanged files come from the cache

        var modified = File.GetLastWriteTimeUtc(paths[1]);
        using (var s = new FileStream(paths[1], FileMode.Open, FileAccess.Write)) { s.Position = 2500; s.WriteByte((byte)(File.ReadAllBytes(paths[1])[2500] ^ 1)); }
        File.SetLastWriteTimeUtc(paths[1], modified);
        Assert.Equal(modified, File.GetLastWriteTimeUtc(paths[1]));
        Assert.Equal(5000, new FileInfo(paths[1]).Length);

        var afterEdit = Cache(cacheFile);
        Assert.NotEqual(before, Fingerprint(afterEdit, paths));
        Assert.Equal(1, afterEdit.FilesRead); // only the edited file is read again
    }

    [Fact]
    public void Replacing_a_file_by_another_with_the_same_size_and_times_changes_the_fingerprint()
    {
        using var tmp = new TempDir();
        var paths = SettledFiles(tmp, 2);
        string cacheFile = tmp.Combine("hashes.txt");
        string before = Fingerprint(Cache(cacheFile), paths);
        var modified = File.GetLastWriteTimeUtc(paths[0]);
        File.Copy(paths[1], paths[0] + ".new");
        File.SetLastWriteTimeUtc(paths[0] + ".new", modified);
        File.Move(paths[0] + ".new", paths[0], overwrite: true); // a new inode
        Assert.NotEqual(before, Fingerprint(Cache(cacheFile), paths));
    }

    [Theory]
    [InlineData("flip")]
    [InlineData("truncate")]
    [InlineData("garbage")]
    public void A_damaged_cache_is_ignored_and_every_file_read_again(string damage)
    {
        using var tmp = new TempDir();
        var paths = SettledFiles(tmp, 3);
        string cacheFile = tmp.Combine("hashes.txt");
        string fingerprint = Fingerprint(Cache(cacheFile), paths);
        var bytes = File.ReadAllBytes(cacheFile);
        // flip: one hex digit of a stored hash changed (a cache that lies); the checksum catches it
        if (damage == "flip") bytes[bytes.AsSpan().IndexOf("xxh128:"u8) + 9] ^= 1;
        else if (damage == "truncate") bytes = bytes[..(bytes.Length / 2)];
        else bytes = "layerprobe file hashes 1\nnot a line\nend 1 00\n"u8.ToArray();
        File.WriteAllBytes(cacheFile, bytes);

        var reread = Cache(cacheFile);
        Assert.Equal(fingerprint, Fingerprint(reread, paths));
        Assert.Equal(3, reread.FilesRead);
    }

    [Fact]
    public void A_missing_file_is_an_error_naming_it()
    {
        using var tmp = new TempDir();
        var e = Assert.Throws<LayerProbeException>(() => new Fingerprints(Cache(null)).AddFile(tmp.Combine("gone.jpg")));
        Assert.Equal($"{tmp.Combine("gone.jpg")}: file not found", e.Message);
    }

    [Fact]
    public void Fresh_files_are_hashed_but_not_remembered_and_an_unwritable_cache_is_harmless()
    {
        using var tmp = new TempDir();
        File.WriteAllBytes(tmp.Combine("new.bin"), [1, 2, 3]);
        string cacheFile = tmp.Combine("c", "hashes.txt");
        var cache = Cache(cacheFile);
        cache.Hash(tmp.Combine("new.bin"));
        cache.Save();
        var again = Cache(cacheFile);
        again.Hash(tmp.Combine("new.bin"));
        Assert.Equal(1, again.FilesRead); // changed within the timestamp granularity's reach: read every time

        Thread.Sleep(Racy + TimeSpan.FromMilliseconds(100));
        File.WriteAllText(tmp.Combine("file"), "");
        var unwritable = Cache(tmp.Combine("file", "hashes.txt")); // its folder is a file
        Assert.StartsWith("xxh128:", unwritable.Hash(tmp.Combine("new.bin")));
        unwritable.Save(); // learnt something, cannot keep it: no error
        Assert.False(File.Exists(tmp.Combine("file", "hashes.txt")));
    }
}

/// <summary>The item sets' fingerprints (hence store keys) follow the bytes of their images.</summary>
public class ContentKeyedItemSetTests
{
    [Fact]
    public void An_image_folder_edited_in_place_with_size_and_time_kept_gets_a_new_fingerprint()
    {
        using var tmp = new TempDir();
        Directory.CreateDirectory(tmp.Combine("set", "cls"));
        var bytes = new byte[400];
        new Random(2).NextBytes(bytes);
        File.WriteAllBytes(tmp.Combine("set", "cls", "a.png"), bytes);
        string before = new ImageFolderItems(tmp.Combine("set")).Fingerprint;
        Assert.Equal(before, new ImageFolderItems(tmp.Combine("set")).Fingerprint);

        var modified = File.GetLastWriteTimeUtc(tmp.Combine("set", "cls", "a.png"));
        bytes[123] ^= 0x40;
        File.WriteAllBytes(tmp.Combine("set", "cls", "a.png"), bytes);
        File.SetLastWriteTimeUtc(tmp.Combine("set", "cls", "a.png"), modified);
        Assert.NotEqual(before, new ImageFolderItems(tmp.Combine("set")).Fingerprint);

        Directory.Move(tmp.Combine("set"), tmp.Combine("moved"));
        Directory.CreateDirectory(tmp.Combine("elsewhere"));
        Directory.Move(tmp.Combine("moved"), tmp.Combine("elsewhere", "set"));
        bytes[123] ^= 0x40;
        File.WriteAllBytes(tmp.Combine("elsewhere", "set", "cls", "a.png"), bytes);
        Assert.Equal(before, new ImageFolderItems(tmp.Combine("elsewhere", "set")).Fingerprint); // same bytes, same ids: same key
    }
}
