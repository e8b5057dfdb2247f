using System.Buffers;
using LayerProbe.Features;

namespace LayerProbe.Tests.Features;

/// <summary>The extraction's batch buffers: block-aligned, whole, and already in memory when made.</summary>
public class PrefaultedBufferTests
{
    [Fact]
    public unsafe void Writing_a_new_buffer_takes_no_page_faults_and_it_starts_on_a_huge_page_boundary()
    {
        const int floats = 16 << 20; // 64 MiB: 16,384 pages of 4 KiB
        var buffer = new PrefaultedBuffer(floats);
        try
        {
            using (var pin = buffer.Pin()) Assert.Equal(0, (long)(nint)pin.Pointer % (2 << 20));
            var span = buffer.Span;
            Assert.Equal(floats, span.Length);
            long Faults(Span<float> s)
            {
                long before = ThreadMinorFaults();
                for (int i = 0; i < s.Length; i += 1024) s[i] = i; // one write per page
                return ThreadMinorFaults() - before;
            }
            long first = Faults(span), again = Faults(span); // again: what reading /proc and the loop cost by themselves
            Assert.True(first <= again + 4, $"{first} page faults writing 16,384 new pages, {again} writing them again (32 more: huge pages faulted on first touch)");
            Assert.Equal(floats - 1024, span[^1024]);
        }
        finally { ((IDisposable)buffer).Dispose(); }
        Assert.Throws<ObjectDisposedException>(() => buffer.GetSpan());
    }

    /// <summary>This thread's minor faults (other tests run in parallel in the same process).</summary>
    static long ThreadMinorFaults()
    {
        var text = File.ReadAllText("/proc/thread-self/stat");
        return long.Parse(text[(text.LastIndexOf(')') + 2)..].Split(' ')[10 - 3]);
    }
}
