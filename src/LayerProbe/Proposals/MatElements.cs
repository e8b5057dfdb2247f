using System.Buffers.Binary;
using System.IO.Compression;

namespace LayerProbe.Proposals;

/// <summary>
/// The data elements of a MATLAB level-5 MAT file (MathWorks, "MAT-File Format", 2019): an 8-byte tag (type, byte
/// count) or, when the count fits in the tag's upper half, the 4-byte small-element form; data padded to 8 bytes
/// (compressed elements are not). Reads either byte order as the file's header declares. Any inconsistency is a
/// <see cref="InvalidDataException"/>, which <see cref="MatFile"/> turns into one line naming the file.
/// </summary>
sealed class MatElements(bool bigEndian)
{
    /// <summary>miINT8 … miUTF32 type codes.</summary>
    public const int Int8 = 1, UInt8 = 2, Int16 = 3, UInt16 = 4, Int32 = 5, UInt32 = 6, Single = 7, Double = 9,
        Int64 = 12, UInt64 = 13, Matrix = 14, Compressed = 15, Utf8 = 16, Utf16 = 17, Utf32 = 18;

    /// <summary>True for a big-endian file.</summary>
    public bool BigEndian => bigEndian;

    /// <summary>A 32-bit unsigned value in the file's byte order.</summary>
    public uint U32(ReadOnlySpan<byte> s) => bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(s) : BinaryPrimitives.ReadUInt32LittleEndian(s);

    /// <summary>The element at <paramref name="position"/>; advances past it and its padding.</summary>
    public (int Type, ReadOnlyMemory<byte> Data) Next(ReadOnlyMemory<byte> source, ref int position)
    {
        var s = source.Span;
        if (s.Length - position < 8) throw new InvalidDataException($"truncated element tag at byte {position}");
        uint first = U32(s[position..]);
        if (first >> 16 != 0)
        {
            int smallCount = (int)(first >> 16);
            if (smallCount > 4) throw new InvalidDataException($"small element at byte {position} claims {smallCount} bytes");
            var small = source.Slice(position + 4, smallCount);
            position += 8;
            return ((int)(first & 0xFFFF), small);
        }
        uint count = U32(s[(position + 4)..]);
        int start = position + 8;
        if (count > (uint)(s.Length - start))
            throw new InvalidDataException($"element at byte {position} claims {count} bytes, {s.Length - start} remain");
        position = start + (int)count;
        if (first != Compressed) position = Math.Min(s.Length, position + (int)((8 - count % 8) % 8));
        return ((int)first, source.Slice(start, (int)count));
    }

    /// <summary>Inflates an miCOMPRESSED element's zlib stream.</summary>
    public static byte[] Inflate(ReadOnlyMemory<byte> compressed)
    {
        using var input = new MemoryStream(compressed.ToArray(), writable: false);
        using var zlib = new ZLibStream(input, CompressionMode.Decompress);
        using var output = new MemoryStream();
        zlib.CopyTo(output);
        return output.ToArray();
    }

    /// <summary>Bytes per value of a numeric type code.</summary>
    public static int NumericSize(int type) => type switch
    {
        Int8 or UInt8 => 1,
        Int16 or UInt16 => 2,
        Int32 or UInt32 or Single => 4,
        Double or Int64 or UInt64 => 8,
        _ => throw new InvalidDataException($"element type {type} is not numeric"),
    };

    /// <summary>The values of a numeric element, converted to double.</summary>
    public double[] Numbers(int type, ReadOnlySpan<byte> data)
    {
        int size = NumericSize(type);
        if (data.Length % size != 0) throw new InvalidDataException($"{data.Length} bytes is not a whole number of {size}-byte values");
        var values = new double[data.Length / size];
        for (int i = 0; i < values.Length; i++)
        {
            var v = data.Slice(i * size, size);
            values[i] = type switch
            {
                Int8 => (sbyte)v[0],
                UInt8 => v[0],
                Int16 => bigEndian ? BinaryPrimitives.ReadInt16BigEndian(v) : BinaryPrimitives.ReadInt16LittleEndian(v),
                UInt16 => bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(v) : BinaryPrimitives.ReadUInt16LittleEndian(v),
                Int32 => bigEndian ? BinaryPrimitives.ReadInt32BigEndian(v) : BinaryPrimitives.ReadInt32LittleEndian(v),
                UInt32 => U32(v),
                Single => bigEndian ? BinaryPrimitives.ReadSingleBigEndian(v) : BinaryPrimitives.ReadSingleLittleEndian(v),
                Double => bigEndian ? BinaryPrimitives.ReadDoubleBigEndian(v) : BinaryPrimitives.ReadDoubleLittleEndian(v),
                Int64 => bigEndian ? BinaryPrimitives.ReadInt64BigEndian(v) : BinaryPrimitives.ReadInt64LittleEndian(v),
                _ => bigEndian ? BinaryPrimitives.ReadUInt64BigEndian(v) : BinaryPrimitives.ReadUInt64LittleEndian(v),
            };
        }
        return values;
    }

    /// <summary>The characters of a char array's data element (UTF-8/8-bit, UTF-16/16-bit or 32-bit code points).</summary>
    public string Text(int type, ReadOnlySpan<byte> data)
    {
        switch (type)
        {
            case Utf8: return System.Text.Encoding.UTF8.GetString(data);
            case UInt8 or Int8: return System.Text.Encoding.Latin1.GetString(data);
            case UInt16 or Utf16 or Int16:
                if (data.Length % 2 != 0) throw new InvalidDataException("odd byte count in 16-bit character data");
                return bigEndian ? System.Text.Encoding.BigEndianUnicode.GetString(data) : System.Text.Encoding.Unicode.GetString(data);
            case Utf32 or UInt32 or Int32:
                var text = new System.Text.StringBuilder();
                foreach (double code in Numbers(type == Utf32 ? UInt32 : type, data)) text.Append(char.ConvertFromUtf32((int)code));
                return text.ToString();
            default: throw new InvalidDataException($"element type {type} cannot hold characters");
        }
    }
}
