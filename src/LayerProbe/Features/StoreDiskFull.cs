namespace LayerProbe.Features;

/// <summary>
/// A full disk (or an exhausted quota) under a store write, turned into the one line the CLI promises: the file and
/// about how much more space the store needs. Rows committed before it stay valid; a rerun after freeing space resumes.
/// </summary>
static class StoreDiskFull
{
    const int Enospc = 28, Edquot = 122, ErrorDiskFull = 112, ErrorHandleDiskFull = 39;

    /// <summary>True when <paramref name="e"/> or one of its inner exceptions is a write that found no space.</summary>
    public static bool Is(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
            if (e is IOException io && (io.HResult is Enospc or Edquot
                    || (io.HResult & unchecked((int)0xFFFF0000)) == unchecked((int)0x80070000) && (io.HResult & 0xFFFF) is ErrorDiskFull or ErrorHandleDiskFull))
                return true;
        return false;
    }

    /// <summary>"PATH: disk full (needs ~N MB more[ for SCOPE])", keeping <paramref name="cause"/>.</summary>
    public static LayerProbeException For(string path, long bytesNeeded, Exception cause, string? scope = null)
    {
        long megabytes = Math.Max(1, (bytesNeeded + (1 << 20) - 1) >> 20);
        var e = LayerProbeException.For(path, $"disk full (needs ~{megabytes} MB more{(scope is null ? "" : $" for {scope}")})", cause);
        e.Data[PathKey] = path;
        return e;
    }

    /// <summary>The same failure restated for a larger scope (all stores of a run): same file, the scope's total need.</summary>
    public static LayerProbeException Restate(LayerProbeException e, long bytesNeeded, string scope) =>
        e.Data[PathKey] is string path ? For(path, bytesNeeded, e.InnerException ?? e, scope) : e;

    const string PathKey = "LayerProbe.DiskFullPath";
}
