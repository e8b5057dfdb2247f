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
}
