using System.Runtime.InteropServices;
using System.Text;

namespace LayerProbe.Features;

/// <summary>
/// Writes a feature matrix as a NumPy <c>.npy</c> file (format 1.0, little-endian float32 <c>'&lt;f4'</c>, C order,
/// shape (rows, cols)), atomically (temp file + rename). Float16 stores are widened to float32.
/// </summary>
public static class NpyExport
{
    /// <summary>The complete v1.0 header (magic, version, length, padded dict ending in '\n'; total a multiple of 64).</summary>
    public static byte[] Header(long rows, long cols)
    {
        string dict = $"{{'descr': '<f4', 'fortran_order': False, 'shape': ({rows}, {cols}), }}";
        int unpadded = 10 + dict.Length + 1;
        int total = (unpadded + 63) / 64 * 64;
        var bytes = new byte[total];
        bytes[0] = 0x93;
        "NUMPY"u8.CopyTo(bytes.AsSpan(1));
        bytes[6] = 1;
        bytes[7] = 0;
        BitConverter.TryWriteBytes(bytes.AsSpan(8, 2), (ushort)(total - 10));
        Encoding.ASCII.GetBytes(dict, bytes.AsSpan(10));
        bytes.AsSpan(10 + dict.Length, total - 10 - dict.Length - 1).Fill((byte)' ');
        bytes[total - 1] = (byte)'\n';
        return bytes;
    }

    /// <summary>Writes <paramref name="matrix"/> to <paramref name="path"/>.</summary>
    public static void Write(FeatureMatrix matrix, string path)
    {
        AtomicFile.Write(path, stream =>
        {
            stream.Write(Header(matrix.RowCount, matrix.Cols));
            if (matrix.Header.DType == FeatureDType.Float32)
            {
                int rowsPerBlock = Math.Max(1, (int)((64L << 20) / matrix.Header.RowBytes));
                for (long r = 0; r < matrix.RowCount; r += rowsPerBlock)
                    stream.Write(matrix.RawBytes(r, (int)Math.Min(rowsPerBlock, matrix.RowCount - r)));
                return;
            }
            var row = new float[matrix.Cols];
            for (long r = 0; r < matrix.RowCount; r++)
            {
                matrix.CopyRow(r, row);
                stream.Write(MemoryMarshal.AsBytes(row.AsSpan()));
            }
        });
    }
}
