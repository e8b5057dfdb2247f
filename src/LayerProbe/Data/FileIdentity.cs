using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace LayerProbe.Data;

/// <summary>
/// What the file system says about one file's current bytes without reading them: device, inode, size, modification
/// and status-change times (nanoseconds since 1970). The status-change time (ctime) moves on every write and on every
/// change of the modification time, and no user call can set it back — so an edit that keeps the size and restores the
/// modification time still changes the identity. Read with Linux's <c>statx</c> (kernel ≥ 4.11, glibc ≥ 2.28);
/// elsewhere unknown (null), and callers then read the bytes every time.
/// </summary>
/// <param name="Device">Device number (major·2³² + minor).</param>
/// <param name="Inode">Inode number.</param>
/// <param name="Size">Size in bytes.</param>
/// <param name="ModifiedNs">Modification time.</param>
/// <param name="ChangedNs">Status-change time.</param>
public readonly record struct FileIdentity(ulong Device, ulong Inode, long Size, long ModifiedNs, long ChangedNs)
{
    /// <summary>The identity of <paramref name="path"/>, or null where it cannot be read this way.</summary>
    public static unsafe FileIdentity? Of(string path)
    {
        if (!OperatingSystem.IsLinux()) return null;
        Span<byte> buffer = stackalloc byte[256];
        try
        {
            fixed (byte* b = buffer)
                if (Native.statx(Native.AT_FDCWD, path, 0, Native.STATX_BASIC_STATS, b) != 0) return null;
        }
        catch (EntryPointNotFoundException) { return null; } // glibc older than 2.28
        uint mask = BinaryPrimitives.ReadUInt32LittleEndian(buffer);
        const uint needed = Native.STATX_INO | Native.STATX_SIZE | Native.STATX_MTIME | Native.STATX_CTIME;
        if ((mask & needed) != needed) return null;
        static long Time(ReadOnlySpan<byte> t) => BinaryPrimitives.ReadInt64LittleEndian(t) * 1_000_000_000 + BinaryPrimitives.ReadUInt32LittleEndian(t[8..]);
        ulong device = ((ulong)BinaryPrimitives.ReadUInt32LittleEndian(buffer[136..]) << 32) | BinaryPrimitives.ReadUInt32LittleEndian(buffer[140..]);
        return new FileIdentity(device, BinaryPrimitives.ReadUInt64LittleEndian(buffer[32..]), BinaryPrimitives.ReadInt64LittleEndian(buffer[40..]),
            Time(buffer[112..]), Time(buffer[96..]));
    }

    /// <summary>
    /// struct statx (linux/stat.h), the same on every architecture: stx_mask at 0, stx_ino at 32, stx_size at 40,
    /// stx_ctime at 96, stx_mtime at 112 (each {s64 tv_sec; u32 tv_nsec; s32 pad}), stx_dev_major/minor at 136/140.
    /// </summary>
    static class Native
    {
        public const int AT_FDCWD = -100;
        public const uint STATX_MTIME = 0x40, STATX_CTIME = 0x80, STATX_INO = 0x100, STATX_SIZE = 0x200, STATX_BASIC_STATS = 0x7ff;

        [DllImport("libc", SetLastError = true)]
        public static extern unsafe int statx(int dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, byte* buffer);
    }
}
