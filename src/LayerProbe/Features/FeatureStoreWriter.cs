using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace LayerProbe.Features;

/// <summary>
/// Appends rows to one layer's store in chunks and makes them durable with <see cref="Commit"/> (flush both files to
/// disk, then atomically replace the commit record). Reopening a partial store resumes at the committed row count
/// and cuts off any uncommitted tail, so an interrupted run finishes with the same bytes as an uninterrupted one.
/// Only the holder of the store's <see cref="StoreWriteLock"/> writes it, and a complete store is never reopened.
/// Each batch is checked for non-finite values before it is written (<see cref="FiniteValues"/>); a full disk is one
/// line naming the file and the space still needed (<see cref="StoreDiskFull"/>).
/// </summary>
public sealed class FeatureStoreWriter : IDisposable
{
    readonly DirectAppendFile _matrix;
    readonly FileStream _ids;
    readonly string _directory;
    readonly FeatureManifest _manifest;
    readonly StoreWriteLock? _ownLock;
    readonly bool _keepNonFinite;
    Half[] _halfBuffer = [];
    byte[] _idBuffer = new byte[4096];
    long _rows;

    FeatureStoreWriter(string directory, FeatureMatrixHeader header, FeatureManifest manifest, DirectAppendFile matrix, FileStream ids,
        CommitRecord start, StoreWriteLock? ownLock, bool keepNonFinite)
    {
        _directory = directory;
        Header = header;
        _manifest = manifest;
        _matrix = matrix;
        _ids = ids;
        _ownLock = ownLock;
        _keepNonFinite = keepNonFinite;
        _rows = CommittedRows = start.Rows;
    }

    /// <summary>The matrix header (rows = planned total).</summary>
    public FeatureMatrixHeader Header { get; }
    /// <summary>The store directory.</summary>
    public string Directory => _directory;
    /// <summary>Rows durable on disk.</summary>
    public long CommittedRows { get; private set; }
    /// <summary>Rows appended so far (committed or not).</summary>
    public long Rows => _rows;

    /// <summary>About how many more bytes the finished store takes than its committed rows do (matrix and ids).</summary>
    public long BytesStillNeeded
    {
        get
        {
            long idBytesPerRow = _rows > 0 ? _ids.Length / _rows + 1 : 32;
            return Header.FileLength(Header.Rows) - Header.FileLength(CommittedRows) + (Header.Rows - CommittedRows) * idBytesPerRow;
        }
    }

    /// <summary>
    /// Opens the store in <paramref name="directory"/> for appending: resumes a partial store with the same header
    /// from its committed count (truncating anything after it), or starts a fresh one. The caller either holds the
    /// store's lock (<paramref name="heldLock"/>) or the writer takes it, waiting while another writer has it.
    /// Batches with NaN or infinite values are refused unless <paramref name="keepNonFinite"/>.
    /// </summary>
    public static FeatureStoreWriter OpenOrCreate(string directory, FeatureMatrixHeader header, FeatureManifest manifest,
        StoreWriteLock? heldLock = null, bool keepNonFinite = false)
    {
        if (heldLock is not null && Path.GetFullPath(heldLock.Directory) != Path.GetFullPath(directory))
            throw new ArgumentException($"the lock held is {heldLock.Directory}'s, not {directory}'s", nameof(heldLock));
        var ownLock = heldLock is null ? StoreWriteLock.Acquire(directory) : null;
        try
        {
            if (FeatureStoreFiles.IsComplete(directory))
                throw new InvalidOperationException($"{directory}: the store is complete; complete stores are never reopened for writing");
            return Open(directory, header, manifest, ownLock, keepNonFinite);
        }
        catch (Exception e) when (StoreDiskFull.Is(e))
        {
            ownLock?.Dispose();
            throw StoreDiskFull.For(Path.Combine(directory, FeatureStoreFiles.Matrix), header.FileLength(header.Rows), e);
        }
        catch
        {
            ownLock?.Dispose();
            throw;
        }
    }

    static FeatureStoreWriter Open(string directory, FeatureMatrixHeader header, FeatureManifest manifest, StoreWriteLock? ownLock, bool keepNonFinite)
    {
        string matrixPath = Path.Combine(directory, FeatureStoreFiles.Matrix), idsPath = Path.Combine(directory, FeatureStoreFiles.Ids);
        var commit = CommitRecord.TryRead(Path.Combine(directory, FeatureStoreFiles.Commit));
        if (commit is { } c && (c.Rows > header.Rows || !SameHeader(matrixPath, header) || !File.Exists(idsPath) || new FileInfo(idsPath).Length < c.IdBytes
                                || new FileInfo(matrixPath).Length < header.FileLength(c.Rows)))
            commit = null;

        var start = commit ?? new CommitRecord(0, 0);
        using (var file = new FileStream(matrixPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, bufferSize: 0))
        {
            if (commit is null)
            {
                Span<byte> bytes = stackalloc byte[FeatureMatrixHeader.Size];
                header.Write(bytes);
                file.SetLength(0);
                file.Write(bytes);
            }
        }
        var matrix = DirectAppendFile.Open(matrixPath, header.FileLength(start.Rows));
        FileStream? ids = null;
        try
        {
            ids = new FileStream(idsPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, bufferSize: 0);
            ids.SetLength(start.IdBytes);
            ids.Seek(0, SeekOrigin.End);
            var writer = new FeatureStoreWriter(directory, header, manifest, matrix, ids, start, ownLock, keepNonFinite);
            if (commit is null) writer.Commit();
            AtomicFile.WriteText(Path.Combine(directory, FeatureStoreFiles.Manifest), (manifest with { Rows = start.Rows, Complete = false }).ToJson());
            return writer;
        }
        catch
        {
            matrix.Dispose();
            ids?.Dispose();
            throw;
        }
    }

    static bool SameHeader(string matrixPath, FeatureMatrixHeader expected)
    {
        if (!File.Exists(matrixPath) || new FileInfo(matrixPath).Length < FeatureMatrixHeader.Size) return false;
        Span<byte> bytes = stackalloc byte[FeatureMatrixHeader.Size];
        using (var s = File.OpenRead(matrixPath)) s.ReadExactly(bytes);
        try { return FeatureMatrixHeader.Read(bytes, matrixPath) == expected; }
        catch (LayerProbeException) { return false; }
    }

    /// <summary>Appends rows (row-major, <c>ids.Count × Cols</c> values) and their ids; durable after <see cref="Commit"/>.</summary>
    public void Append(ReadOnlySpan<float> values, IReadOnlyList<string> ids)
    {
        CheckAppend(values, ids);
        try
        {
            if (Header.DType == FeatureDType.Float32)
                _matrix.Write(MemoryMarshal.AsBytes(values));
            else
                WriteHalf(values);
            WriteIds(ids);
        }
        catch (Exception e) when (StoreDiskFull.Is(e)) { throw DiskFull(e); }
        _rows += ids.Count;
    }

    /// <summary>
    /// Where row <paramref name="row"/> starts inside its disk block: rows placed there (<see cref="BlockAlignedRows.Place"/>)
    /// go to disk from where they are. Float16 rows are converted on the way, so their place does not matter (0).
    /// </summary>
    internal int BlockOffsetOfRow(long row) =>
        Header.DType == FeatureDType.Float32 ? (int)(Header.FileLength(row) % DirectAppendFile.Alignment) : 0;

    /// <summary>Appends the rows placed in <paramref name="rows"/> at <see cref="BlockOffsetOfRow"/> of the next row, and their ids.</summary>
    internal void Append(BlockAlignedRows rows, IReadOnlyList<string> ids)
    {
        CheckAppend(rows.Values, ids);
        try
        {
            if (Header.DType == FeatureDType.Float32)
                _matrix.WriteInPlace(rows.Blocks, rows.Lead, rows.Count * sizeof(float));
            else
                WriteHalf(rows.Values);
            WriteIds(ids);
        }
        catch (Exception e) when (StoreDiskFull.Is(e)) { throw DiskFull(e); }
        _rows += ids.Count;
    }

    /// <summary>Shapes and room, then the values: a NaN, an infinity or a float16 overflow stops the batch before any of it is written.</summary>
    void CheckAppend(ReadOnlySpan<float> values, IReadOnlyList<string> ids)
    {
        int rows = ids.Count;
        if (values.Length != rows * Header.Cols)
            throw new ArgumentException($"expected {rows} rows of {Header.Cols} values, got {values.Length} values");
        if (_rows + rows > Header.Rows)
            throw new InvalidOperationException($"store {_directory} holds {Header.Rows} rows; appending {rows} to {_rows} overflows");
        if (_keepNonFinite) return;
        bool half = Header.DType == FeatureDType.Float16;
        int bad = FiniteValues.FirstOutside(values, half ? FiniteValues.HalfOverflow : float.PositiveInfinity);
        if (bad < 0) return;
        float value = values[bad];
        string text = value.ToString(CultureInfo.InvariantCulture), what = float.IsFinite(value) ? $"value {text} overflows float16" : $"non-finite value {text}";
        throw LayerProbeException.For(_directory, $"item {ids[(int)(bad / Header.Cols)]}, layer {_manifest.LayerAlias}: {what} at dimension {bad % Header.Cols}; " +
            "the store is not marked complete (extraction keeps such values only with --keep-non-finite)");
    }

    LayerProbeException DiskFull(Exception cause) => StoreDiskFull.For(Path.Combine(_directory, FeatureStoreFiles.Matrix), BytesStillNeeded, cause);

    void WriteHalf(ReadOnlySpan<float> values)
    {
        const int block = 1 << 18;
        if (_halfBuffer.Length < block) _halfBuffer = new Half[block];
        for (int offset = 0; offset < values.Length; offset += block)
        {
            var part = values.Slice(offset, Math.Min(block, values.Length - offset));
            for (int i = 0; i < part.Length; i++) _halfBuffer[i] = (Half)part[i];
            _matrix.Write(MemoryMarshal.AsBytes(_halfBuffer.AsSpan(0, part.Length)));
        }
    }

    void WriteIds(IReadOnlyList<string> ids)
    {
        int length = 0;
        foreach (var id in ids)
        {
            if (id.Contains('\n')) throw new ArgumentException($"item id '{id}' contains a line break");
            length += Encoding.UTF8.GetByteCount(id) + 1;
        }
        if (_idBuffer.Length < length) _idBuffer = new byte[Math.Max(length, 2 * _idBuffer.Length)];
        int at = 0;
        foreach (var id in ids)
        {
            at += Encoding.UTF8.GetBytes(id, _idBuffer.AsSpan(at));
            _idBuffer[at++] = (byte)'\n';
        }
        _ids.Write(_idBuffer, 0, at);
    }

    /// <summary>
    /// Moves the end of the store back to <paramref name="rows"/> committed rows (all layers of a run restart from the
    /// same item), cutting the matrix and the id file there and committing that.
    /// </summary>
    public void RewindTo(long rows)
    {
        if (rows == _rows) return;
        if (rows > CommittedRows || rows < 0) throw new ArgumentOutOfRangeException(nameof(rows), rows, $"only {CommittedRows} rows are committed");
        long idBytes = 0;
        if (rows > 0)
        {
            _ids.Seek(0, SeekOrigin.Begin);
            var buffer = new byte[1 << 16];
            long seen = 0, offset = 0;
            while (seen < rows)
            {
                int n = _ids.Read(buffer, 0, buffer.Length);
                if (n == 0) throw new InvalidDataException($"{_directory}: id file has fewer than {rows} lines");
                for (int i = 0; i < n && seen < rows; i++)
                    if (buffer[i] == (byte)'\n') { seen++; idBytes = offset + i + 1; }
                offset += n;
            }
        }
        _matrix.Reset(Header.FileLength(rows));
        _ids.SetLength(idBytes);
        _ids.Seek(0, SeekOrigin.End);
        _rows = rows;
        Commit();
    }

    /// <summary>Flushes appended rows to disk, then atomically records them as committed.</summary>
    public void Commit()
    {
        try
        {
            _matrix.Flush();
            _ids.Flush(flushToDisk: true);
            new CommitRecord(_rows, _ids.Length).Write(Path.Combine(_directory, FeatureStoreFiles.Commit));
        }
        catch (Exception e) when (StoreDiskFull.Is(e)) { throw DiskFull(e); }
        CommittedRows = _rows;
    }

    /// <summary>
    /// Commits, checks every planned row is present, writes the final manifest, then the complete marker (by rename).
    /// </summary>
    public void Complete()
    {
        if (_rows != Header.Rows) throw new InvalidOperationException($"store {_directory}: {_rows} of {Header.Rows} rows written");
        Commit();
        try
        {
            AtomicFile.WriteText(Path.Combine(_directory, FeatureStoreFiles.Manifest), (_manifest with { Rows = _rows, Complete = true }).ToJson());
            AtomicFile.WriteText(Path.Combine(_directory, FeatureStoreFiles.Complete), $"{_manifest.Key}\n");
        }
        catch (Exception e) when (StoreDiskFull.Is(e)) { throw StoreDiskFull.For(Path.Combine(_directory, FeatureStoreFiles.Manifest), 1 << 16, e); }
    }

    /// <summary>Closes the files (and releases the lock the writer took itself); uncommitted rows are discarded on the next open.</summary>
    public void Dispose()
    {
        _matrix.Dispose();
        _ids.Dispose();
        _ownLock?.Dispose();
    }
}
