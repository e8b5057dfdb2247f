using System.IO.MemoryMappedFiles;

namespace LayerProbe.Features;

/// <summary>
/// A stored feature matrix opened through a read-only memory map: rows are read in place (float32) or converted
/// on read (float16) without loading the file into memory.
/// </summary>
public sealed unsafe class FeatureMatrix : IDisposable
{
    readonly MemoryMappedFile _file;
    readonly MemoryMappedViewAccessor _view;
    readonly byte* _data;
    readonly float[] _rowBuffer;
    readonly StoredIds? _ids;

    FeatureMatrix(string path, FeatureMatrixHeader header, long rows, StoredIds? ids)
    {
        Path = path;
        Header = header;
        RowCount = rows;
        _ids = ids;
        _file = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        _view = _file.CreateViewAccessor(0, header.FileLength(rows), MemoryMappedFileAccess.Read);
        byte* start = null;
        _view.SafeMemoryMappedViewHandle.AcquirePointer(ref start);
        _data = start + _view.PointerOffset + FeatureMatrixHeader.Size;
        _rowBuffer = header.DType == FeatureDType.Float16 ? new float[header.Cols] : [];
    }

    /// <summary>The matrix file.</summary>
    public string Path { get; }
    /// <summary>Its header.</summary>
    public FeatureMatrixHeader Header { get; }
    /// <summary>Readable rows (all rows of a complete store; the committed prefix of a partial one).</summary>
    public long RowCount { get; }
    /// <summary>Values per row.</summary>
    public int Cols => (int)Header.Cols;
    /// <summary>Item ids in row order, read from the store's id file on demand (<see cref="StoredIds"/>: RAM does not
    /// grow with the rows); empty for a bare matrix file. Valid until the matrix is disposed.</summary>
    public IReadOnlyList<string> Ids => _ids ?? StoredIds.None;

    /// <summary>
    /// Opens the store in <paramref name="directory"/>. Partial stores are refused unless <paramref name="allowPartial"/>,
    /// in which case only the committed rows are visible.
    /// </summary>
    public static FeatureMatrix Open(string directory, bool allowPartial = false)
    {
        string matrixPath = System.IO.Path.Combine(directory, FeatureStoreFiles.Matrix);
        if (!File.Exists(matrixPath)) throw LayerProbeException.For(directory, "no feature store here (features.lpfm missing)");
        bool complete = FeatureStoreFiles.IsComplete(directory);
        if (!complete && !allowPartial) throw LayerProbeException.For(directory, "feature store is incomplete (extraction was interrupted; rerun it to resume)");
        var header = ReadHeader(matrixPath);
        long rows = complete ? header.Rows : CommitRecord.TryRead(System.IO.Path.Combine(directory, FeatureStoreFiles.Commit))?.Rows ?? 0;
        if (rows > header.Rows) throw LayerProbeException.For(directory, $"commit record holds {rows} rows, the matrix plans {header.Rows}");
        if (new FileInfo(matrixPath).Length < header.FileLength(rows))
            throw LayerProbeException.For(matrixPath, $"file is shorter than its {rows} rows");
        string idsPath = System.IO.Path.Combine(directory, FeatureStoreFiles.Ids);
        if (!File.Exists(idsPath)) throw LayerProbeException.For(directory, $"no item ids ({FeatureStoreFiles.Ids} missing)");
        var ids = StoredIds.Open(idsPath, rows, directory);
        try { return new FeatureMatrix(matrixPath, header, rows, ids); }
        catch
        {
            ids.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Opens a bare matrix file written whole under a temporary name and renamed (a region table), without item ids:
    /// all its rows are readable; a file shorter than its header says is refused.
    /// </summary>
    public static FeatureMatrix OpenFile(string path)
    {
        if (!File.Exists(path)) throw LayerProbeException.For(path, "file not found");
        var header = ReadHeader(path);
        if (new FileInfo(path).Length != header.FileLength(header.Rows))
            throw LayerProbeException.For(path, $"file length does not match its {header.Rows} rows");
        return new FeatureMatrix(path, header, header.Rows, null);
    }

    static FeatureMatrixHeader ReadHeader(string path)
    {
        Span<byte> bytes = stackalloc byte[FeatureMatrixHeader.Size];
        using var stream = File.OpenRead(path);
        if (stream.Length < FeatureMatrixHeader.Size) throw LayerProbeException.For(path, "file too short for a feature matrix header");
        stream.ReadExactly(bytes);
        return FeatureMatrixHeader.Read(bytes, path);
    }

    /// <summary>
    /// Row <paramref name="index"/>. Float32 stores return the mapped memory itself; float16 stores convert into a
    /// buffer owned by this instance that the next call overwrites (use <see cref="CopyRow"/> to keep a row).
    /// </summary>
    public ReadOnlySpan<float> Row(long index)
    {
        CheckRow(index);
        if (Header.DType == FeatureDType.Float32) return new ReadOnlySpan<float>(_data + index * Header.RowBytes, Cols);
        CopyRow(index, _rowBuffer);
        return _rowBuffer;
    }

    /// <summary>Copies row <paramref name="index"/> as float32 into <paramref name="destination"/>.</summary>
    public void CopyRow(long index, Span<float> destination)
    {
        CheckRow(index);
        if (destination.Length < Cols) throw new ArgumentException($"destination holds {destination.Length} values, a row has {Cols}");
        byte* row = _data + index * Header.RowBytes;
        if (Header.DType == FeatureDType.Float32)
        {
            new ReadOnlySpan<float>(row, Cols).CopyTo(destination);
            return;
        }
        var half = new ReadOnlySpan<Half>(row, Cols);
        for (int i = 0; i < half.Length; i++) destination[i] = (float)half[i];
    }

    /// <summary>The raw stored bytes of all readable rows (row-major, stored dtype).</summary>
    public ReadOnlySpan<byte> RawBytes(long firstRow, int rows)
    {
        if (firstRow < 0 || rows < 0 || firstRow + rows > RowCount) throw new ArgumentOutOfRangeException(nameof(rows));
        return new ReadOnlySpan<byte>(_data + firstRow * Header.RowBytes, checked((int)(rows * Header.RowBytes)));
    }

    void CheckRow(long index)
    {
        if ((ulong)index >= (ulong)RowCount) throw new ArgumentOutOfRangeException(nameof(index), index, $"matrix has {RowCount} rows");
    }

    /// <summary>Releases the map.</summary>
    public void Dispose()
    {
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _file.Dispose();
        _ids?.Dispose();
    }
}
