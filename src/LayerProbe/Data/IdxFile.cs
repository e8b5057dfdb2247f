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
            }
            if (length > Array.MaxLength) throw LayerProbeException.For(path, $"IDX data of {length} bytes is too large");
            var data = new byte[length];
            int read = ReadFully(stream, data);
            if (read < length) throw LayerProbeException.For(path, $"truncated IDX data: {read} of {length} bytes for shape {string.Join("x", shape)}");
            if (stream.ReadByte() >= 0) throw LayerProbeException.For(path, $"IDX file has bytes beyond its {string.Join("x", shape)} data");
            return (shape, data);
        }
        catch (InvalidDataException e) { throw LayerProbeException.For(path, $"corrupt gzip data: {e.Message}", e); }
        catch (IOException e) { throw LayerProbeException.For(path, $"cannot read IDX file: {e.Message}", e); }
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
