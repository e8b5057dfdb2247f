using System.Collections;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace LayerProbe.Features;

/// <summary>
/// The item ids of a store (<see cref="FeatureStoreFiles.Ids"/>, one UTF-8 id per '\n'-terminated line) read on demand
/// instead of held as strings: a region store has millions of rows, and a string per row would make RAM grow with the
/// regions. Opening scans the file once (stopping after the readable rows) and keeps the byte offset of every
/// <see cref="Stride"/>-th line; an id is decoded when asked for, from a window of the file around a cursor, so reading
/// the ids in order (the id checks, labels, transforms) costs one pass over the file. Memory: one offset per
/// <see cref="Stride"/> rows and one window. The file handle stays open until <see cref="Dispose"/>, so the ids are
/// those of the file as opened (like the matrix's map). Thread-safe.
/// </summary>
public sealed class StoredIds : IReadOnlyList<string>, IDisposable
{
    /// <summary>Lines between two kept offsets.</summary>
    public const int Stride = 64;
    const int WindowBytes = 1 << 16;

    readonly SafeFileHandle _file;
    readonly long[] _checkpoints;
    readonly object _gate = new();
    readonly byte[] _window = new byte[WindowBytes];
    long _windowStart;
    int _windowLength;
    int _cursorLine = -1;
    long _cursorOffset;

    StoredIds(SafeFileHandle file, long[] checkpoints, int count) => (_file, _checkpoints, Count) = (file, checkpoints, count);

    /// <summary>
    /// Opens <paramref name="path"/> for its first <paramref name="rows"/> ids (a file with fewer lines is one clear
    /// line naming <paramref name="directory"/>). A last line without '\n' counts, as for any text reader; a '\r' before
    /// the '\n' is not part of the id.
    /// </summary>
    public static StoredIds Open(string path, long rows, string directory)
    {
        var file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        try
        {
            var checkpoints = new List<long>();
            long lines = 0, offset = 0, lineStart = 0;
            var buffer = new byte[1 << 20];
            while (lines < rows)
            {
                int read = RandomAccess.Read(file, buffer, offset);
                if (read == 0)
                {
                    if (offset > lineStart) { if (lines % Stride == 0) checkpoints.Add(lineStart); lines++; } // unterminated last line
                    break;
                }
                var span = buffer.AsSpan(0, read);
                for (int at = 0; lines < rows;)
                {
                    int nl = span[at..].IndexOf((byte)'\n');
                    if (nl < 0) break;
                    if (lines % Stride == 0) checkpoints.Add(lineStart);
                    lines++;
                    at += nl + 1;
                    lineStart = offset + at;
                }
                offset += read;
            }
            if (lines < rows) throw LayerProbeException.For(directory, $"{lines} ids for {rows} rows");
            return new StoredIds(file, [.. checkpoints], checked((int)rows));
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>An empty list (a bare matrix file has no ids).</summary>
    public static IReadOnlyList<string> None { get; } = [];

    /// <summary>Number of ids (the readable rows).</summary>
    public int Count { get; }

    /// <summary>Id <paramref name="index"/>, decoded from the file.</summary>
    public string this[int index]
    {
        get
        {
            if ((uint)index >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(index), index, $"{Count} ids");
            lock (_gate)
            {
                if (_cursorLine < 0 || index < _cursorLine || index - _cursorLine > Stride)
                    (_cursorLine, _cursorOffset) = (index / Stride * Stride, _checkpoints[index / Stride]);
                while (true)
                {
                    var line = LineAt(_cursorOffset);
                    if (_cursorLine == index)
                    {
                        int length = line.Length > 0 && line[^1] == (byte)'\r' ? line.Length - 1 : line.Length;
                        return Encoding.UTF8.GetString(line[..length]);
                    }
                    _cursorOffset += line.Length + 1;
                    _cursorLine++;
                }
            }
        }
    }

    /// <summary>The bytes of the line starting at <paramref name="offset"/> (without its '\n'), through the window.</summary>
    ReadOnlySpan<byte> LineAt(long offset)
    {
        if (offset < _windowStart || offset >= _windowStart + _windowLength) Load(offset);
        var rest = _window.AsSpan((int)(offset - _windowStart), _windowLength - (int)(offset - _windowStart));
        int nl = rest.IndexOf((byte)'\n');
        if (nl >= 0) return rest[..nl];
        if (offset != _windowStart)
        {   // the line runs past the window: move the window to it
            Load(offset);
            rest = _window.AsSpan(0, _windowLength);
            nl = rest.IndexOf((byte)'\n');
            if (nl >= 0) return rest[..nl];
        }
        return _windowLength < _window.Length ? rest : LongLine(offset); // an unterminated last line, or one longer than the window
    }

    void Load(long offset) => (_windowStart, _windowLength) = (offset, RandomAccess.Read(_file, _window, offset));

    /// <summary>A line longer than the window, read into a buffer of its own (the window keeps its size).</summary>
    byte[] LongLine(long offset)
    {
        var buffer = new byte[_window.Length * 2];
        int length = 0;
        while (true)
        {
            int read = RandomAccess.Read(_file, buffer.AsSpan(length), offset + length);
            int nl = buffer.AsSpan(length, read).IndexOf((byte)'\n');
            if (nl >= 0) return buffer[..(length + nl)];
            length += read;
            if (read == 0) return buffer[..length];
            if (length == buffer.Length) Array.Resize(ref buffer, buffer.Length * 2);
        }
    }

    /// <inheritdoc/>
    public IEnumerator<string> GetEnumerator()
    {
        for (int i = 0; i < Count; i++) yield return this[i];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Closes the file.</summary>
    public void Dispose() => _file.Dispose();
}
