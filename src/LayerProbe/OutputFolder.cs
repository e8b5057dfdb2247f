namespace LayerProbe;

/// <summary>
/// An output folder checked before long work starts: created if missing and proven writable by creating and removing
/// a file in it, so a run that would fail at its first write (a path under a regular file, a read-only mount, a full
/// quota of inodes) fails in its first second with one line instead.
/// </summary>
public static class OutputFolder
{
    /// <summary>Creates <paramref name="directory"/> if needed and checks that a file can be created in it; returns it.</summary>
    public static string Prepare(string directory)
    {
        string probe = Path.Combine(directory, $".layerprobe-write-test.{Environment.ProcessId}.{Guid.NewGuid():N}");
        try
        {
            Directory.CreateDirectory(directory);
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose)) { }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw LayerProbeException.For(directory, FileAncestor(directory) is { } file
                ? $"output folder cannot be created: {file} is a file, not a folder"
                : $"output folder is not writable ({e.Message})", e);
        }
        return directory;
    }

    static string? FileAncestor(string directory)
    {
        for (string? p = Path.GetFullPath(directory); !string.IsNullOrEmpty(p); p = Path.GetDirectoryName(p))
            if (File.Exists(p)) return p;
        return null;
    }
}
