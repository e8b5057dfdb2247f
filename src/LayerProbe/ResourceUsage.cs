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
    /// Minor page faults of the process so far (Linux: <c>/proc/self/stat</c>; 0 elsewhere). A fault is a first touch of
    /// a fresh page — on a virtual machine often the costliest part of using new memory.
    /// </summary>
    public static long MinorPageFaults()
    {
        const string stat = "/proc/self/stat";
        if (!File.Exists(stat)) return 0;
        var text = File.ReadAllText(stat);
        // Fields after the parenthesised command name: state is field 3, minflt field 10.
        var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[10 - 3], System.Globalization.CultureInfo.InvariantCulture);
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
