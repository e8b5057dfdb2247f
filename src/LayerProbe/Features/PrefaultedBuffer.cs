using System.Buffers;
using System.Runtime.InteropServices;

namespace LayerProbe.Features;

/// <summary>
/// A large float buffer outside the GC heap, aligned to 2 MiB, asked to be backed by transparent huge pages and
/// faulted in when it is made. The extraction pipeline's batch buffers are written by ONNX Runtime's compute threads;
/// left to fault in on first touch, ~45,000 fresh 4 KiB pages a run (ResNet-18, batch 16) were measured taking
/// 0.3–0.8 s of those threads on this virtual machine. Linux: <c>mmap</c> + <c>madvise(MADV_HUGEPAGE)</c> +
/// <c>madvise(MADV_POPULATE_WRITE)</c> (5.14+; older kernels: one write per page). Elsewhere: aligned native memory,
/// touched page by page.
/// </summary>
sealed unsafe class PrefaultedBuffer : MemoryManager<float>
{
    const nuint HugePage = 2 << 20;
    const int PageSize = 4096;
    readonly float* _data;
    readonly nuint _bytes;
    readonly bool _mapped;
    bool _disposed, _pinned;

    /// <summary>Room for <paramref name="length"/> floats (contents unspecified).</summary>
    public PrefaultedBuffer(long length)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        Length = checked((int)length);
        _bytes = ((nuint)length * sizeof(float) + HugePage - 1) / HugePage * HugePage;
        void* mapped = OperatingSystem.IsLinux() ? Linux.Map(_bytes) : null;
        if (mapped != null)
        {
            _data = (float*)mapped;
            _mapped = true;
            Linux.Advise(mapped, _bytes, Linux.MADV_HUGEPAGE);
            if (!Linux.Advise(mapped, _bytes, Linux.MADV_POPULATE_WRITE)) TouchPages();
        }
        else
        {
            _data = (float*)NativeMemory.AlignedAlloc(_bytes, HugePage);
            TouchPages();
        }
    }

    /// <summary>Floats in the buffer.</summary>
    public int Length { get; }

    /// <summary>The whole buffer.</summary>
    public Span<float> Span => GetSpan();

    /// <summary>
    /// Page-locks the buffer for the CUDA driver (<see cref="Networks.CudaHostMemory"/>) until it is disposed, so a
    /// GPU reads and writes it by DMA; false when that is not possible (no CUDA runtime), and the buffer works as before.
    /// </summary>
    public bool PinForCuda()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _pinned = _pinned || Networks.CudaHostMemory.TryRegister(_data, _bytes);
    }

    void TouchPages()
    {
        var bytes = (byte*)_data;
        for (nuint at = 0; at < _bytes; at += PageSize) bytes[at] = 0;
    }

    /// <inheritdoc/>
    public override Span<float> GetSpan()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return new Span<float>(_data, Length);
    }

    /// <inheritdoc/>
    public override MemoryHandle Pin(int elementIndex = 0)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentOutOfRangeException.ThrowIfGreaterThan((uint)elementIndex, (uint)Length, nameof(elementIndex));
        return new MemoryHandle(_data + elementIndex);
    }

    /// <inheritdoc/>
    public override void Unpin() { }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (_disposed) return;
        _disposed = true;
        if (_pinned) Networks.CudaHostMemory.Unregister(_data);
        if (_mapped) Linux.munmap(_data, _bytes);
        else NativeMemory.AlignedFree(_data);
    }

    static class Linux
    {
        public const int MADV_HUGEPAGE = 14, MADV_POPULATE_WRITE = 23;
        const int PROT_READ = 1, PROT_WRITE = 2, MAP_PRIVATE = 2, MAP_ANONYMOUS = 0x20;

        /// <summary>A private anonymous mapping of <paramref name="bytes"/> (a multiple of 2 MiB) starting on a 2 MiB boundary, or null.</summary>
        public static void* Map(nuint bytes)
        {
            // Map one huge page more, then give back the ends so that the kept part is 2 MiB-aligned.
            var raw = mmap(null, bytes + HugePage, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
            if ((nint)raw == -1) return null;
            nuint start = ((nuint)raw + HugePage - 1) / HugePage * HugePage, head = start - (nuint)raw;
            if (head > 0) munmap(raw, head);
            if (HugePage - head > 0) munmap((void*)(start + bytes), HugePage - head);
            return (void*)start;
        }

        public static bool Advise(void* address, nuint bytes, int advice) => madvise(address, bytes, advice) == 0;

        [DllImport("libc", SetLastError = true)]
        static extern void* mmap(void* address, nuint length, int protection, int flags, int fd, nint offset);

        [DllImport("libc", SetLastError = true)]
        public static extern int munmap(void* address, nuint length);

        [DllImport("libc", SetLastError = true)]
        static extern int madvise(void* address, nuint length, int advice);
    }
}
