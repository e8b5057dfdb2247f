using System.Buffers.Binary;

namespace LayerProbe.Features;

/// <summary>
/// The fixed 64-byte header of a feature matrix file (little-endian): magic <c>"LPFEAT\0\0"</c>, format version,
/// dtype, rows, cols and the per-item activation shape C×H×W. Row-major values start at byte 64, so float32 rows
/// are 4-byte aligned in a memory map. Rows is the planned total; how many are durable is the store's commit file.
/// </summary>
/// <param name="DType">Element type.</param>
/// <param name="Rows">Number of rows the finished file holds.</param>
/// <param name="Cols">Values per row (C·H·W).</param>
/// <param name="Channels">C of the activation shape.</param>
/// <param name="Height">H of the activation shape (1 for vectors).</param>
/// <param name="Width">W of the activation shape (1 for vectors).</param>
public readonly record struct FeatureMatrixHeader(FeatureDType DType, long Rows, long Cols, int Channels, int Height, int Width)
{
    /// <summary>Header size in bytes; data starts here.</summary>
    public const int Size = 64;
    /// <summary>Current file-format version (part of every store key).</summary>
    public const int FormatVersion = 1;
    static ReadOnlySpan<byte> Magic => "LPFEAT\0\0"u8;

    /// <summary>Bytes per row.</summary>
    public long RowBytes => Cols * DType.Size();

    /// <summary>Total file length when all <see cref="Rows"/> are written.</summary>
    public long FileLength(long rows) => Size + rows * RowBytes;

    /// <summary>A header for an activation of shape <paramref name="shape"/> (one item, batch dimension dropped).</summary>
    public static FeatureMatrixHeader ForShape(FeatureDType dtype, long rows, IReadOnlyList<int> shape)
    {
        if (shape.Count is < 1 or > 3 || shape.Any(d => d <= 0))
            throw new ArgumentException($"activation shape [{string.Join("x", shape)}] is not C, C×H or C×H×W with positive sizes");
        int c = shape[0], h = shape.Count > 1 ? shape[1] : 1, w = shape.Count > 2 ? shape[2] : 1;
        return new FeatureMatrixHeader(dtype, rows, (long)c * h * w, c, h, w);
    }

    /// <summary>Writes the 64 header bytes.</summary>
    public void Write(Span<byte> destination)
    {
        destination[..Size].Clear();
        Magic.CopyTo(destination);
        BinaryPrimitives.WriteInt32LittleEndian(destination[8..], FormatVersion);
        BinaryPrimitives.WriteInt32LittleEndian(destination[12..], (int)DType);
        BinaryPrimitives.WriteInt64LittleEndian(destination[16..], Rows);
        BinaryPrimitives.WriteInt64LittleEndian(destination[24..], Cols);
        BinaryPrimitives.WriteInt32LittleEndian(destination[32..], Channels);
        BinaryPrimitives.WriteInt32LittleEndian(destination[36..], Height);
        BinaryPrimitives.WriteInt32LittleEndian(destination[40..], Width);
    }

    /// <summary>Parses and validates a header; <paramref name="path"/> names the file in errors.</summary>
    public static FeatureMatrixHeader Read(ReadOnlySpan<byte> source, string path)
    {
        if (source.Length < Size || !source[..8].SequenceEqual(Magic))
            throw LayerProbeException.For(path, "not a LayerProbe feature matrix (bad magic)");
        int version = BinaryPrimitives.ReadInt32LittleEndian(source[8..]);
        if (version != FormatVersion)
            throw LayerProbeException.For(path, $"feature matrix format version {version}, this tool reads {FormatVersion}");
        var dtype = (FeatureDType)BinaryPrimitives.ReadInt32LittleEndian(source[12..]);
        if (dtype is not (FeatureDType.Float32 or FeatureDType.Float16))
            throw LayerProbeException.For(path, $"unknown dtype code {(int)dtype}");
        var header = new FeatureMatrixHeader(dtype,
            BinaryPrimitives.ReadInt64LittleEndian(source[16..]), BinaryPrimitives.ReadInt64LittleEndian(source[24..]),
            BinaryPrimitives.ReadInt32LittleEndian(source[32..]), BinaryPrimitives.ReadInt32LittleEndian(source[36..]),
            BinaryPrimitives.ReadInt32LittleEndian(source[40..]));
        // Each size positive, a row addressable by an int span, and the planned file length a long: no size overflows later.
        if (header.Rows < 0 || header.Channels <= 0 || header.Height <= 0 || header.Width <= 0
            || (long)header.Channels * header.Height > int.MaxValue || header.Cols > int.MaxValue
            || (long)header.Channels * header.Height * header.Width != header.Cols || header.Rows > (long.MaxValue - Size) / header.RowBytes)
            throw LayerProbeException.For(path, $"inconsistent header (rows {header.Rows}, cols {header.Cols}, shape {header.Channels}x{header.Height}x{header.Width})");
        return header;
    }
}
