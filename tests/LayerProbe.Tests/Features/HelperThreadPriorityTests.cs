using LayerProbe.Features;

namespace LayerProbe.Tests.Features;

public class HelperThreadPriorityTests
{
    /// <summary>Field 19 of /proc/thread-self/stat: the calling thread's nice value.</summary>
    static int CurrentNice() => int.Parse(File.ReadAllText("/proc/thread-self/stat").Split(") ")[1].Split(' ')[16]);

    [Fact]
    public void LowersOnlyTheCallingThread()
    {
        Assert.True(OperatingSystem.IsLinux(), "the extraction helpers are niced on Linux only; this suite runs there");
        int before = CurrentNice(), inside = int.MinValue, untouched = int.MinValue;
        var helper = new Thread(() => { HelperThreadPriority.Lower(7); inside = CurrentNice(); });
        var other = new Thread(() => untouched = CurrentNice());
        helper.Start(); helper.Join();
        other.Start(); other.Join();
        Assert.Equal(before + 7, inside);
        Assert.Equal(before, untouched);
        Assert.Equal(before, CurrentNice());
    }
}
