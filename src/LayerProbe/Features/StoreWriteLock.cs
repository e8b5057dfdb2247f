using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace LayerProbe.Features;

/// <summary>
/// The exclusive right to write one feature store: an advisory lock (<c>flock</c>, <c>LOCK_EX</c>) on the file
/// <see cref="FeatureStoreFiles.WriteLock"/> in the store folder, taken before the store's state is read and held until
/// the writer is closed. A second writer of the same store — another process or another thread — waits (saying once
/// which process holds it) or, with <see cref="TryAcquire"/>, gets nothing; it never truncates a store it does not own.
/// The kernel drops the lock when its holder dies, so a killed writer never leaves a stale lock behind. Readers take
/// no lock: they only open complete stores, and complete stores are never reopened for writing.
/// </summary>
public sealed class StoreWriteLock : IDisposable
{
    static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);
    readonly SafeFileHandle _file;

    StoreWriteLock(string directory, SafeFileHandle file)
    {
        Directory = directory;
        _file = file;
    }

    /// <summary>The store folder this lock guards.</summary>
    public string Directory { get; }

    /// <summary>
    /// Takes the lock of the store in <paramref name="directory"/> (creating the folder), waiting while another
    /// writer holds it; <paramref name="waiting"/> (by default standard error) hears once who is being waited for.
    /// </summary>
    public static StoreWriteLock Acquire(string directory, Action<string>? waiting = null, CancellationToken cancellation = default)
    {
        bool announced = false;
        while (true)
        {
            if (TryAcquire(directory) is { } taken) return taken;
            if (!announced)
            {
                string holder = Holder(directory) is { } pid ? $"PID {pid}" : "another process";
                (waiting ?? (line => Console.Error.WriteLine($"layerprobe: {line}")))($"waiting for {holder} writing {directory}");
                announced = true;
            }
            cancellation.WaitHandle.WaitOne(Poll);
            cancellation.ThrowIfCancellationRequested();
        }
    }

    /// <summary>Takes the lock if nobody holds it; null when another writer does.</summary>
    public static StoreWriteLock? TryAcquire(string directory)
    {
        string path = LockPath(directory);
        try { System.IO.Directory.CreateDirectory(directory); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        { throw LayerProbeException.For(directory, $"cannot create the store folder ({e.Message})", e); }
        return OperatingSystem.IsLinux() ? TryFlock(directory, path) : TryShareNone(directory, path);
    }

    /// <summary>The process id the current holder wrote into the lock file, if it is readable.</summary>
    public static int? Holder(string directory)
    {
        if (!OperatingSystem.IsLinux()) return null;
        int fd = Native.open(LockPath(directory), Native.O_RDONLY | Native.O_CLOEXEC, 0);
        if (fd < 0) return null;
        using var handle = new SafeFileHandle(fd, ownsHandle: true);
        Span<byte> text = stackalloc byte[32];
        int n = RandomAccess.Read(handle, text, 0); // a raw read: takes no lock of its own
        return int.TryParse(Encoding.ASCII.GetString(text[..n]).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int pid) ? pid : null;
    }

    static string LockPath(string directory) => Path.Combine(directory, FeatureStoreFiles.WriteLock);

    static StoreWriteLock? TryFlock(string directory, string path)
    {
        // libc's open, not FileStream: .NET takes a shared flock of its own on files it opens, which would collide.
        int fd = Native.open(path, Native.O_RDWR | Native.O_CREAT | Native.O_CLOEXEC, 0b110_100_100);
        if (fd < 0) throw LayerProbeException.For(path, $"cannot open the store's lock file ({Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())})");
        var handle = new SafeFileHandle(fd, ownsHandle: true);
        while (Native.flock(handle, Native.LOCK_EX | Native.LOCK_NB) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            if (errno == Native.EINTR) continue;
            handle.Dispose();
            if (errno == Native.EWOULDBLOCK) return null;
            throw LayerProbeException.For(path, $"cannot lock the store for writing ({Marshal.GetPInvokeErrorMessage(errno)})");
        }
        var taken = new StoreWriteLock(directory, handle);
        try
        {
            byte[] pid = Encoding.ASCII.GetBytes($"{Environment.ProcessId}\n");
            RandomAccess.SetLength(handle, 0);
            RandomAccess.Write(handle, pid, 0);
        }
        catch (IOException) { } // the pid is only for the waiting message; a full disk must not stop the lock
        return taken;
    }

    /// <summary>Elsewhere: .NET's exclusive share mode (a flock on Unix, a share lock on Windows); no holder pid.</summary>
    static StoreWriteLock? TryShareNone(string directory, string path)
    {
        try { return new StoreWriteLock(directory, File.OpenHandle(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None)); }
        catch (IOException) when (File.Exists(path)) { return null; }
    }

    /// <summary>Releases the lock.</summary>
    public void Dispose() => _file.Dispose();

    /// <summary>Linux's values (x86-64 and ARM64 agree); other systems use <see cref="TryShareNone"/>.</summary>
    static class Native
    {
        public const int O_RDONLY = 0, O_RDWR = 2, O_CREAT = 0x40, O_CLOEXEC = 0x80000;
        public const int LOCK_EX = 2, LOCK_NB = 4;
        public const int EINTR = 4, EWOULDBLOCK = 11;

        [DllImport("libc", SetLastError = true)]
        public static extern int open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, int mode);

        [DllImport("libc", SetLastError = true)]
        public static extern int flock(SafeFileHandle fd, int operation);
    }
}
