using System.Buffers.Binary;
using System.Text;

namespace LayerProbe.Tests.Fuzz;

/// <summary>
/// A small seeded mutation fuzzer in the style of AFL's havoc stage: each input is a seed with one to four stacked
/// mutations — bit flips, random bytes, byte insertion and deletion, truncation, block duplication, splicing with
/// another seed, "interesting" integers (0, ±1, 2^7, 2^15, 2^31, 2^32 − 1, 2^63 …) written over 1, 2, 4 or 8 bytes in
/// either byte order (to hit length and size fields), and for text formats whole tokens (numbers at the edges of
/// their types, NaN, markup fragments). The same seed value always yields the same inputs.
/// </summary>
sealed class Mutator(int seed, IReadOnlyList<byte[]> seeds, IReadOnlyList<string>? tokens = null)
{
    readonly Random _random = new(seed);

    static readonly long[] Interesting =
    [
        0, 1, -1, 2, 3, 4, 7, 8, 16, 32, 64, 100, 127, 128, 255, 256, 512, 1000, 1024, 4096, 32767, 32768, 65535, 65536,
        100_000, 1 << 20, int.MaxValue / 4, int.MaxValue - 1, int.MaxValue, unchecked((int)0x80000000), uint.MaxValue,
        1L << 32, (1L << 32) + 1, 1L << 40, long.MaxValue / 2, long.MaxValue, long.MinValue, -2, -128, -32768,
    ];

    /// <summary>A fresh mutated input: one to four mutations stacked on a seed.</summary>
    public byte[] Next()
    {
        var data = new List<byte>(seeds[_random.Next(seeds.Count)]);
        int count = 1 + _random.Next(4);
        for (int i = 0; i < count; i++) Mutate(data);
        return [.. data];
    }

    void Mutate(List<byte> data)
    {
        int kind = _random.Next(tokens is null ? 9 : 11);
        if (data.Count == 0 && kind != 6 && kind < 9) kind = 6;
        switch (kind)
        {
            case 0: // flip one to four bits
                for (int n = 1 + _random.Next(4), i = 0; i < n; i++) data[_random.Next(data.Count)] ^= (byte)(1 << _random.Next(8));
                break;
            case 1: // random byte
                data[_random.Next(data.Count)] = (byte)_random.Next(256);
                break;
            case 2: // interesting integer over 1, 2, 4 or 8 bytes, little- or big-endian
                WriteInteresting(data);
                break;
            case 3: // delete a run
            {
                int at = _random.Next(data.Count), length = Math.Min(data.Count - at, 1 + _random.Next(_random.Next(2) == 0 ? 4 : 64));
                data.RemoveRange(at, length);
                break;
            }
            case 4: // truncate
            {
                int cut = _random.Next(data.Count);
                data.RemoveRange(cut, data.Count - cut);
                break;
            }
            case 5: // duplicate a block in place
            {
                int at = _random.Next(data.Count), length = Math.Min(data.Count - at, 1 + _random.Next(128));
                data.InsertRange(_random.Next(data.Count + 1), data.GetRange(at, length));
                break;
            }
            case 6: // insert random bytes
            {
                var bytes = new byte[1 + _random.Next(8)];
                _random.NextBytes(bytes);
                data.InsertRange(_random.Next(data.Count + 1), bytes);
                break;
            }
            case 7: // splice: our head, another seed's tail
            {
                var other = seeds[_random.Next(seeds.Count)];
                int cut = _random.Next(data.Count + 1), from = _random.Next(other.Length + 1);
                data.RemoveRange(cut, data.Count - cut);
                data.AddRange(other.AsSpan(from).ToArray());
                break;
            }
            case 8: // overwrite a block with bytes from elsewhere in the input
            {
                int from = _random.Next(data.Count), to = _random.Next(data.Count), length = Math.Min(1 + _random.Next(16), data.Count - Math.Max(from, to));
                for (int i = 0; i < length; i++) data[to + i] = data[from + i];
                break;
            }
            case 9: // insert a token
                data.InsertRange(_random.Next(data.Count + 1), Encoding.UTF8.GetBytes(tokens![_random.Next(tokens.Count)]));
                break;
            default: // replace the run of digits around a position with a token
                ReplaceNumber(data);
                break;
        }
    }

    void WriteInteresting(List<byte> data)
    {
        long value = Interesting[_random.Next(Interesting.Length)];
        int width = 1 << _random.Next(4);
        Span<byte> bytes = stackalloc byte[8];
        if (_random.Next(2) == 0) BinaryPrimitives.WriteInt64LittleEndian(bytes, value);
        else BinaryPrimitives.WriteInt64BigEndian(bytes, value << (64 - 8 * width));
        int at = _random.Next(data.Count);
        for (int i = 0; i < width && at + i < data.Count; i++) data[at + i] = bytes[i];
    }

    void ReplaceNumber(List<byte> data)
    {
        if (data.Count == 0) return;
        int at = _random.Next(data.Count), start = at, end = at;
        while (start > 0 && IsNumberByte(data[start - 1])) start--;
        while (end < data.Count && IsNumberByte(data[end])) end++;
        data.RemoveRange(start, end - start);
        data.InsertRange(start, Encoding.UTF8.GetBytes(tokens![_random.Next(tokens.Count)]));
    }

    static bool IsNumberByte(byte b) => b is (>= (byte)'0' and <= (byte)'9') or (byte)'.' or (byte)'-' or (byte)'e';

    /// <summary>Tokens for text formats: numbers at the edges of int/long/double, non-finite values, separators, markup.</summary>
    public static readonly string[] TextTokens =
    [
        "0", "-1", "1", "2147483647", "2147483648", "-2147483649", "4294967296", "9223372036854775807", "99999999999999999999",
        "1e308", "1e309", "-1e309", "4.9e-324", "NaN", "Infinity", "-Infinity", "∞", "0x10", "1,5", " ", "\t", "\n", "\r\n",
        ",", ",,", "\"", "'", "\0", "\uFEFF", "é", "\uD800", "<", ">", "&", "&amp;", "&#0;", "&#x110000;", "&undefined;", "]]>",
        "<![CDATA[", "<!--", "-->", "<?xml version=\"1.0\"?>", "<!DOCTYPE a [<!ENTITY e \"xxxxxxxxxxxxxxxx\">]>", "&e;",
        "<object>", "</object>", "<bndbox><xmin>1</xmin><ymin>1</ymin><xmax>2</xmax><ymax>2</ymax></bndbox>", "<name>cat</name>",
        "<size>", "</size>", "<width>", "</width>", "<difficult>", "</difficult>", "image_id", "image_id,x1,y1,x2,y2",
    ];
}
