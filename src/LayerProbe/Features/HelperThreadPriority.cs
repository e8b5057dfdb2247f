using System.Runtime.InteropServices;

namespace LayerProbe.Features;

/// <summary>
/// Scheduling priority of the extraction pipeline's helper threads (decode/preprocess, store writes). When every core
/// runs an ONNX Runtime compute thread, a helper at equal priority takes a core in the middle of a parallel operator
/// and the other compute threads wait for the one that lost its core; at a lower priority the helpers run mostly in
/// the gaps (sequential parts of the graph, waits) and still get a share when they fall behind. Linux only (nice
/// values per thread); elsewhere nothing changes.
/// </summary>
static class HelperThreadPriority
{
    /// <summary>Raises the calling thread's nice value by <paramref name="increment"/> (a dedicated thread: the setting dies with it).</summary>
    public static void Lower(int increment)
    {
        if (!OperatingSystem.IsLinux() || increment == 0) return;
        try { nice(increment); } // per thread on Linux (NPTL), not per process as POSIX says
        catch (EntryPointNotFoundException) { }
        catch (DllNotFoundException) { }
    }

    [DllImport("libc")]
    static extern int nice(int increment);
}
