namespace LayerProbe.Scenes;

/// <summary>
/// One JPEG Huffman table (T.81 Annex C): canonical codes from the 16 code-length counts of a DHT segment, with the
/// per-symbol code words an encoder needs and the length-indexed limits plus a 9-bit lookup a decoder needs.
/// </summary>
sealed class JpegHuffmanTable
{
    /// <summary>Bits of the fast decoding lookup.</summary>
    public const int LookupBits = 9;

    /// <summary>0 = DC, 1 = AC.</summary>
    public int TableClass { get; }
    /// <summary>Destination id (0–3).</summary>
    public int Id { get; }
    /// <summary>Code word of each symbol (encoder).</summary>
    public ushort[] Code { get; } = new ushort[256];
    /// <summary>Code length of each symbol; 0 = symbol not in the table.</summary>
    public byte[] Size { get; } = new byte[256];

    readonly int[] _maxCode = new int[18];   // largest code of each length, −1 if none (index 17: sentinel)
    readonly int[] _valueOffset = new int[17];
    readonly byte[] _values;
    /// <summary>For each 9-bit prefix: (length << 8) | symbol, or 0 if the code is longer.</summary>
    readonly ushort[] _lookup = new ushort[1 << LookupBits];

    JpegHuffmanTable(int tableClass, int id, ReadOnlySpan<byte> counts, byte[] values, string source)
    {
        TableClass = tableClass; Id = id; _values = values;
        int code = 0, k = 0;
        for (int length = 1; length <= 16; length++)
        {
            _valueOffset[length] = k - code;
            for (int i = 0; i < counts[length - 1]; i++, k++, code++)
            {
                byte symbol = values[k];
                Code[symbol] = (ushort)code; Size[symbol] = (byte)length;
                if (length <= LookupBits)
                    for (int fill = 0; fill < 1 << (LookupBits - length); fill++)
                        _lookup[(code << (LookupBits - length)) | fill] = (ushort)((length << 8) | symbol);
            }
            _maxCode[length] = counts[length - 1] > 0 ? code - 1 : -1;
            if (code > 1 << length) throw LayerProbeException.For(source, "invalid Huffman table (code counts overflow)");
            code <<= 1;
        }
        _maxCode[17] = int.MaxValue;
    }

    /// <summary>Parses every table of a DHT segment payload.</summary>
    public static IEnumerable<JpegHuffmanTable> Parse(byte[] payload, string source)
    {
        int p = 0;
        while (p < payload.Length)
        {
            if (p + 17 > payload.Length) throw LayerProbeException.For(source, "truncated DHT segment");
            int tc = payload[p] >> 4, th = payload[p] & 15;
            if (tc > 1 || th > 3) throw LayerProbeException.For(source, $"invalid Huffman table class/id {payload[p]:X2}");
            var counts = payload.AsSpan(p + 1, 16);
            int total = 0;
            foreach (var c in counts) total += c;
            if (total > 256 || p + 17 + total > payload.Length) throw LayerProbeException.For(source, "truncated DHT segment");
            var values = payload.AsSpan(p + 17, total).ToArray();
            yield return new JpegHuffmanTable(tc, th, counts, values, source);
            p += 17 + total;
        }
    }

    /// <summary>The one table of a standard DHT payload.</summary>
    public static JpegHuffmanTable Standard(byte[] payload) => Parse(payload, "JPEG tables").Single();

    /// <summary>Decodes one symbol from <paramref name="bits"/>; a code no table entry has is an error.</summary>
    public int Decode(ref JpegBitReader bits)
    {
        int peek = bits.Peek(LookupBits);
        int entry = _lookup[peek];
        if (entry != 0)
        {
            bits.Skip(entry >> 8);
            return entry & 0xFF;
        }
        int length = LookupBits + 1;
        int code = bits.Peek(length);
        while (code > _maxCode[length])
        {
            if (++length > 16) throw LayerProbeException.For(bits.Source, "corrupt JPEG data (bad Huffman code)");
            code = bits.Peek(length);
        }
        bits.Skip(length);
        return _values[code + _valueOffset[length]];
    }
}
