using System.Globalization;
using System.IO.Hashing;
using System.Text;

namespace LayerProbe.Data;

/// <summary>
/// XxHash128 of files' bytes, remembered in a small cache file by path and <see cref="FileIdentity"/> (device, inode,
/// size, modification and status-change times) so that an unchanged data set is not read again. A file is read again
/// whenever any of those differ, always when there is no cache (a first run), and always when its identity is less than
/// <see cref="DefaultRacyWindow"/> old — a change within the file system's timestamp granularity could otherwise go unseen.
/// The cache is only ever a shortcut: a cache file that fails its checksum or does not parse is ignored whole, and
/// one that cannot be written is simply not written.
/// </summary>
public sealed class FileContentHashes
{
    /// <summary>Files whose status changed this recently are hashed but not remembered (by default).</summary>
    public static readonly TimeSpan DefaultRacyWindow = TimeSpan.FromSeconds(2);
    const string Magic = "layerprobe file hashes 1";
    const int MaxEntries = 2_000_000;

    readonly record struct Entry(FileIdentity Identity, string Hash);

    readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    readonly HashSet<string> _touched = new(StringComparer.Ordinal);
    readonly object _gate = new();
    bool _dirty;
    long _filesRead, _bytesRead;
    [ThreadStatic] static byte[]? _readBuffer;

    /// <summary>
    /// A cache kept in <paramref name="cacheFile"/> (null: this process only) that remembers files whose status is older
    /// than <paramref name="racyWindow"/> (default <see cref="DefaultRacyWindow"/>).
    /// </summary>
    public FileContentHashes(string? cacheFile, TimeSpan? racyWindow = null)
    {
        CacheFile = cacheFile;
        RacyWindow = racyWindow ?? DefaultRacyWindow;
        if (cacheFile is not null) foreach (var (path, entry) in Load(cacheFile)) _entries[path] = entry;
    }

    /// <summary>The process-wide cache: <c>$LAYERPROBE_CACHE</c>, else <c>$XDG_CACHE_HOME/layerprobe</c>, else <c>~/.cache/layerprobe</c>.</summary>
    public static FileContentHashes Shared => SharedInstance.Value;
    static readonly Lazy<FileContentHashes> SharedInstance = new(() => new FileContentHashes(DefaultCacheFile()));

    /// <summary>Files whose status changed this recently are hashed but not remembered.</summary>
    public TimeSpan RacyWindow { get; }
    /// <summary>The cache file (null when the cache lives in memory only).</summary>
    public string? CacheFile { get; }
    /// <summary>Files whose bytes were read (cache misses) by this instance.</summary>
    public long FilesRead => Interlocked.Read(ref _filesRead);
    /// <summary>Bytes read by this instance.</summary>
    public long BytesRead => Interlocked.Read(ref _bytesRead);

    /// <summary>"xxh128:HEX" of the bytes of <paramref name="path"/>; a missing or unreadable file is an error naming it.</summary>
    public string Hash(string path)
    {
        string full = Path.GetFullPath(path);
        var before = FileIdentity.Of(full);
        lock (_gate)
        {
            _touched.Add(full);
            if (before is { } id && _entries.TryGetValue(full, out var known) && known.Identity == id) return known.Hash;
        }
        long now = (DateTime.UtcNow - DateTime.UnixEpoch).Ticks * 100;
        string hash = ReadAndHash(full, path);
        var after = FileIdentity.Of(full);
        long settled = now - (long)RacyWindow.TotalNanoseconds;
        if (before is { } b && after == b && b.ChangedNs < settled && b.ModifiedNs < settled && !full.Contains('\n'))
            lock (_gate) { _entries[full] = new Entry(b, hash); _dirty = true; }
        return hash;
    }

    string ReadAndHash(string full, string shown)
    {
        var xx = new XxHash128();
        var buffer = _readBuffer ??= new byte[1 << 18]; // per thread: a fresh buffer per file cost more than the hashing
        try
        {
            using var file = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 0, FileOptions.SequentialScan);
            int n;
            while ((n = file.Read(buffer)) > 0)
            {
                xx.Append(buffer.AsSpan(0, n));
                Interlocked.Add(ref _bytesRead, n);
            }
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException) { throw LayerProbeException.For(shown, "file not found", e); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw LayerProbeException.For(shown, $"cannot read ({e.Message})", e); }
        Interlocked.Increment(ref _filesRead);
        return "xxh128:" + Convert.ToHexStringLower(xx.GetCurrentHash());
    }

    /// <summary>Writes what was learnt to the cache file, merged with what other processes wrote there meanwhile.</summary>
    public void Save()
    {
        if (CacheFile is null) return;
        lock (_gate)
        {
            if (!_dirty) return;
            var merged = Load(CacheFile);
            foreach (var (path, entry) in _entries) merged[path] = entry;
            if (merged.Count > MaxEntries) merged = merged.Where(e => _touched.Contains(e.Key)).ToDictionary(StringComparer.Ordinal);
            var text = new StringBuilder(Magic).Append('\n');
            foreach (var (path, e) in merged)
                text.Append(CultureInfo.InvariantCulture, $"{e.Hash} {e.Identity.Device} {e.Identity.Inode} {e.Identity.Size} {e.Identity.ModifiedNs} {e.Identity.ChangedNs} {path}\n");
            var body = Encoding.UTF8.GetBytes(text.ToString());
            var end = Encoding.ASCII.GetBytes($"end {merged.Count} {Convert.ToHexStringLower(XxHash64.Hash(body))}\n");
            try { AtomicFile.WriteBytes(CacheFile, [.. body, .. end]); }
            catch (LayerProbeException) { return; } // an unwritable cache costs time, never correctness
            _dirty = false;
        }
    }

    /// <summary>The entries of a cache file; empty when it is missing, fails its checksum or does not parse.</summary>
    static Dictionary<string, Entry> Load(string cacheFile)
    {
        var entries = new Dictionary<string, Entry>(StringComparer.Ordinal);
        byte[] bytes;
        try { bytes = File.ReadAllBytes(cacheFile); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return entries; }
        int endLine = bytes.AsSpan(0, Math.Max(0, bytes.Length - 1)).LastIndexOf((byte)'\n') + 1;
        if (endLine <= 0 || bytes[^1] != (byte)'\n') return entries;
        var end = Encoding.ASCII.GetString(bytes, endLine, bytes.Length - endLine - 1).Split(' ');
        var body = bytes.AsSpan(0, endLine);
        if (end.Length != 3 || end[0] != "end" || end[2] != Convert.ToHexStringLower(XxHash64.Hash(body))) return entries;
        var lines = Encoding.UTF8.GetString(body).Split('\n');
        if (lines[0] != Magic) return entries;
        foreach (var line in lines.Skip(1).Where(l => l.Length > 0))
        {
            var f = line.Split(' ', 7);
            if (f.Length != 7 || !f[0].StartsWith("xxh128:", StringComparison.Ordinal)
                || !ulong.TryParse(f[1], CultureInfo.InvariantCulture, out var dev) || !ulong.TryParse(f[2], CultureInfo.InvariantCulture, out var ino)
                || !long.TryParse(f[3], CultureInfo.InvariantCulture, out var size) || !long.TryParse(f[4], CultureInfo.InvariantCulture, out var mtime)
                || !long.TryParse(f[5], CultureInfo.InvariantCulture, out var ctime))
                return [];
            entries[f[6]] = new Entry(new FileIdentity(dev, ino, size, mtime, ctime), f[0]);
        }
        return entries.Count.ToString(CultureInfo.InvariantCulture) == end[1] ? entries : [];
    }

    static string? DefaultCacheFile()
    {
        string? root = Environment.GetEnvironmentVariable("LAYERPROBE_CACHE") is { Length: > 0 } own ? own
            : Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg ? Path.Combine(xdg, "layerprobe")
            : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile) is { Length: > 0 } home ? Path.Combine(home, ".cache", "layerprobe")
            : null;
        return root is null ? null : Path.Combine(root, "file-hashes.txt");
    }
}
