using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace LayerProbe.Features;

/// <summary>
/// Appends bytes to the end of a file through an aligned staging buffer (<see cref="Write"/>), or straight from the
/// caller's block-aligned buffer (<see cref="WriteInPlace"/>), written with <c>O_DIRECT</c> where the file system
/// allows it (Linux; elsewhere, or on tmpfs, plain buffered writes of the same blocks). Feature stores
/// write hundreds of MB per minute that are read back much later: through the page cache every byte costs a kernel
/// copy plus a freshly zeroed page, measured here at ~40 % of a CPU core during extraction on 2 cores; direct I/O hands
/// the blocks to the disk without either. <see cref="Flush"/> makes everything appended so far durable, including a
/// partial last block (written padded, then the file is cut back to its logical length).
/// </summary>
sealed class DirectAppendFile : IDisposable
{
    /// <summary>Block size: file offsets, lengths and memory addresses of direct writes are multiples of it.</summary>
    public const int Alignment = 4096;
    const int Capacity = 4 << 20;

    readonly SafeFileHandle _handle;
    readonly string _path;
    readonly byte[] _storage;
    readonly int _offset;      // _storage[_offset..] is Alignment-aligned in memory (the array is pinned)
    long _base;  // file offset of the first staged byte, a multiple of Alignment
    int _used;   // bytes staged

    DirectAppendFile(SafeFileHandle handle, string path, bool direct)
    {
        _handle = handle;
        _path = path;
        Direct = direct;
        _storage = GC.AllocateUninitializedArray<byte>(Capacity + Alignment, pinned: true);
        long address = Marshal.UnsafeAddrOfPinnedArrayElement(_storage, 0);
        _offset = (int)((Alignment - address % Alignment) % Alignment);
    }

    Span<byte> Staged(int start, int length) => _storage.AsSpan(_offset + start, length);

    /// <summary>Whether writes bypass the page cache.</summary>
    public bool Direct { get; }

    /// <summary>Logical length: everything appended, durable or not.</summary>
    public long Length => _base + _used;

    /// <summary>Opens <paramref name="path"/> (which must exist) for appending at <paramref name="length"/>, cutting off anything after it.</summary>
    public static DirectAppendFile Open(string path, long length)
    {
        var (handle, direct) = OpenHandle(path);
        var file = new DirectAppendFile(handle, path, direct);
        try { file.Reset(length); }
        catch { file.Dispose(); throw; }
        return file;
    }

    /// <summary>Discards staged bytes and moves the end of the file to <paramref name="length"/> (not beyond the durable length).</summary>
    public void Reset(long length)
    {
        RandomAccess.SetLength(_handle, length);
        _base = length / Alignment * Alignment;
        _used = (int)(length - _base);
        if (_used == 0) return;
        // Direct reads need whole aligned blocks; a read at the aligned start stops short at the end of the file.
        int read = RandomAccess.Read(_handle, Staged(0, Alignment), _base);
        if (read != _used) throw new IOException($"{_path}: expected {_used} bytes at offset {_base}, read {read}");
    }

    /// <summary>Stages <paramref name="bytes"/>, writing every buffer that fills.</summary>
    public void Write(ReadOnlySpan<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            int n = Math.Min(bytes.Length, Capacity - _used);
            bytes[..n].CopyTo(Staged(_used, n));
            _used += n;
            bytes = bytes[n..];
            if (_used == Capacity)
            {
                RandomAccess.Write(_handle, Staged(0, Capacity), _base);
                _base += Capacity;
                _used = 0;
            }
        }
    }

    /// <summary>
    /// Appends <paramref name="length"/> bytes that the caller has already put <paramref name="lead"/> bytes into
    /// <paramref name="blocks"/> (block-aligned memory), where <paramref name="lead"/> is where the file's partial last
    /// block ends: that partial block is copied in front of them, all whole blocks are written from
    /// <paramref name="blocks"/> itself, and what is left over becomes the new staged partial block.
    /// </summary>
    public unsafe void WriteInPlace(Span<byte> blocks, int lead, int length)
    {
        if ((nuint)Unsafe.AsPointer(ref MemoryMarshal.GetReference(blocks)) % Alignment != 0)
            throw new ArgumentException("the buffer does not start on a block boundary", nameof(blocks));
        int whole = _used / Alignment * Alignment;
        if (whole > 0) // bytes staged by Write: everything but their partial block goes first
        {
            RandomAccess.Write(_handle, Staged(0, whole), _base);
            Staged(whole, _used - whole).CopyTo(Staged(0, _used - whole));
            _base += whole;
            _used -= whole;
        }
        if (lead != _used) throw new ArgumentException($"{_path}: rows placed {lead} bytes into a block, the file's last block holds {_used}", nameof(lead));
        int total = lead + length, full = total / Alignment * Alignment;
        if (blocks.Length < (total + Alignment - 1) / Alignment * Alignment)
            throw new ArgumentException($"{total} bytes need whole blocks, the buffer has {blocks.Length}", nameof(blocks));
        Staged(0, lead).CopyTo(blocks);
        if (full > 0) RandomAccess.Write(_handle, blocks[..full], _base);
        blocks[full..total].CopyTo(Staged(0, total - full));
        _base += full;
        _used = total - full;
    }

    /// <summary>Writes the staged bytes (the last block zero-padded), cuts the file to <see cref="Length"/> and syncs it to disk.</summary>
    public void Flush()
    {
        if (_used > 0)
        {
            int padded = (_used + Alignment - 1) / Alignment * Alignment;
            Staged(_used, padded - _used).Clear();
            RandomAccess.Write(_handle, Staged(0, padded), _base);
            RandomAccess.SetLength(_handle, Length);
            // Keep the partial last block staged: the next write rewrites it whole.
            int full = _used / Alignment * Alignment;
            if (full > 0)
            {
                Staged(full, _used - full).CopyTo(Staged(0, _used - full));
                _base += full;
                _used -= full;
            }
        }
        if (Native.fsync(_handle) != 0)
        {
            int errno = Marshal.GetLastPInvokeError(); // as HResult, the way .NET reports failed writes on Unix (a full disk is 28)
            throw new IOException($"{_path}: fsync failed ({Marshal.GetPInvokeErrorMessage(errno)})", errno);
        }
    }

    public void Dispose() => _handle.Dispose();

    static (SafeFileHandle Handle, bool Direct) OpenHandle(string path)
    {
        if (Native.DirectFlag is { } flag)
        {
            int fd = Native.open(path, Native.O_RDWR | Native.O_CLOEXEC | flag);
            if (fd >= 0) return (new SafeFileHandle((IntPtr)fd, ownsHandle: true), true);
            // EINVAL: the file system has no direct I/O (tmpfs); anything else is reported by the plain open below.
        }
        return (File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read), false);
    }

    static class Native
    {
        public const int O_RDWR = 2, O_CLOEXEC = 0x80000;

        /// <summary>Linux's O_DIRECT for this architecture, or null where it is not known (then buffered writes are used).</summary>
        public static readonly int? DirectFlag = !OperatingSystem.IsLinux() ? null : RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.X64 or Architecture.X86 => 0x4000,
            Architecture.Arm64 or Architecture.Arm => 0x10000,
            _ => null,
        };

        [DllImport("libc", SetLastError = true)]
        public static extern int open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

        [DllImport("libc", SetLastError = true)]
        public static extern int fsync(SafeFileHandle fd);
    }
}
