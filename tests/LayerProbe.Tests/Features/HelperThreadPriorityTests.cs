using LayerProbe.Features;

namespace LayerProbe.Tests.Features;

public class HelperThreadPriorityTests
{
    /// <summary>Field 19 of /proc/thread-self/stat: the calling thread's nice value.</summary>
    static int CurrentNice() => int.Parse(File.ReadAllText("/proc/thread-self/stat").Split(") ")[1].Split(' ')[16]);

    /// <summary>The kernel's largest nice value: raising beyond it keeps it.</summary>
    const int MaxNice = 19;

    [Fact]
    public void LowersOnlyTheCallingThread()
    {
        Assert.True(OperatingSystem.IsLinux(), "the extraction helpers are niced on Linux only; this suite runs there");
        int before = CurrentNice(), inside = int.MinValue, untouched = int.MinValue;
        var helper = new Thread(() => { HelperThreadPriority.Lower(7); inside = CurrentNice(); });
        var other = new Thread(() => untouched = CurrentNice());
        helper.Start(); helper.Join();
        other.Start(); other.Join();
        Assert.Equal(Math.Min(before + 7, MaxNice), inside); // a run already niced (CI, `nice -n 19`) is capped by the kernel
        Assert.Equal(before, untouched);
        Assert.Equal(before, CurrentNice());
    }
}
