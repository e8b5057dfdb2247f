namespace LayerProbe;

/// <summary>Process resource figures for manifests and benchmarks.</summary>
public static class ResourceUsage
{
    /// <summary>Peak resident set size in MiB (Linux VmHWM), or the current working set elsewhere.</summary>
    public static double PeakRssMegabytes()
    {
        const string status = "/proc/self/status";
        if (File.Exists(status))
            foreach (var line in File.ReadLines(status))
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                    return double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024;
        return Environment.WorkingSet / (1024.0 * 1024.0);
    }

    /// <summary>
    /// Resets the peak RSS to the current RSS (Linux ≥ 4.0: writing 5 to <c>/proc/self/clear_refs</c>), so that
    /// <see cref="PeakRssMegabytes"/> then measures one phase of a run; false where that is not possible (the peak then
    /// stays the process's).
    /// </summary>
    public static bool ResetPeakRss()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException) { return false; }
    }
}
