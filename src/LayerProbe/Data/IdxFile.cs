using System.Buffers.Binary;
using System.IO.Compression;

namespace LayerProbe.Data;

/// <summary>
/// Reads an IDX file of unsigned bytes (the MNIST/Fashion-MNIST format), gzip-compressed when the name ends in .gz:
/// magic 0x0000_08_NN (type 0x08 = ubyte, NN = number of dimensions), NN big-endian int32 sizes, then the data.
/// Magic, sizes and length are checked; a truncated or corrupt file is a <see cref="LayerProbeException"/> naming it.
/// </summary>
public static class IdxFile
{
    /// <summary>Reads <paramref name="path"/>, which must have <paramref name="dimensions"/> dimensions.</summary>
    public static (int[] Shape, byte[] Data) ReadBytes(string path, int dimensions)
    {
        if (!File.Exists(path)) throw LayerProbeException.For(path, "IDX file not found");
        try
        {
            using var file = File.OpenRead(path);
            using Stream stream = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(file, CompressionMode.Decompress) : file;
            Span<byte> header = stackalloc byte[4 + 4 * dimensions];
            if (ReadFully(stream, header) < header.Length) throw LayerProbeException.For(path, "truncated IDX header");
            uint magic = BinaryPrimitives.ReadUInt32BigEndian(header);
            uint expected = 0x0800u | (uint)dimensions;
            if (magic != expected) throw LayerProbeException.For(path, $"bad IDX magic number 0x{magic:X8} (expected 0x{expected:X8}: unsigned bytes, {dimensions} dimensions)");
            var shape = new int[dimensions];
            long length = 1;
            for (int d = 0; d < dimensions; d++)
            {
                shape[d] = BinaryPrimitives.ReadInt32BigEndian(header[(4 + 4 * d)..]);
                if (shape[d] <= 0) throw LayerProbeException.For(path, $"IDX dimension {d} has size {shape[d]}");
                length *= shape[d];
                if (length > Array.MaxLength) throw LayerProbeException.For(path, $"IDX data of shape {string.Join("x", shape[..(d + 1)])}… is too large");
            }
            if (stream == file && file.Length - header.Length < length)
                throw LayerProbeException.For(path, $"truncated IDX data: {file.Length - header.Length} of {length} bytes for shape {string.Join("x", shape)}");
            var data = ReadUpTo(stream, (int)length);
            if (data.Length < length) throw LayerProbeException.For(path, $"truncated IDX data: {data.Length} of {length} bytes for shape {string.Join("x", shape)}");
            if (stream.ReadByte() >= 0) throw LayerProbeException.For(path, $"IDX file has bytes beyond its {string.Join("x", shape)} data");
            return (shape, data);
        }
        catch (InvalidDataException e) { throw LayerProbeException.For(path, $"corrupt gzip data: {e.Message}", e); }
        catch (IOException e) { throw LayerProbeException.For(path, $"cannot read IDX file: {e.Message}", e); }
    }

    /// <summary>
    /// Up to <paramref name="length"/> bytes, in a buffer that grows (doubling) only as bytes arrive: a gzip stream's
    /// size is not known in advance, so a header claiming more than the file holds costs at most twice what it holds.
    /// </summary>
    static byte[] ReadUpTo(Stream stream, int length)
    {
        var data = new byte[Math.Min(length, 1 << 20)];
        int total = 0;
        while (true)
        {
            total += ReadFully(stream, data.AsSpan(total));
            if (total < data.Length || data.Length == length) return total == data.Length ? data : data[..total];
            Array.Resize(ref data, (int)Math.Min(length, 2L * data.Length));
        }
    }

    static int ReadFully(Stream stream, Span<byte> buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = stream.Read(buffer[total..]);
            if (n == 0) break;
            total += n;
        }
        return total;
    }
}
