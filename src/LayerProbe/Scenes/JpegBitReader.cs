namespace LayerProbe.Scenes;

/// <summary>
/// Reads the entropy-coded bits of a JPEG scan (T.81 F.2.2.5): removes stuffed zero bytes after 0xFF and stops at the
/// next marker, after which it supplies zero bits (a corrupt or truncated scan then fails in the Huffman decoder or
/// the restart check instead of reading past the data).
/// </summary>
ref struct JpegBitReader(ReadOnlySpan<byte> data, int position, string source)
{
    readonly ReadOnlySpan<byte> _data = data;
    int _position = position;
    ulong _buffer;
    int _count;
    bool _atMarker;

    /// <summary>True once bits past the end of the data were supplied (a truncated file).</summary>
    public bool PastEnd { get; private set; }

    /// <summary>The file name used in errors.</summary>
    public readonly string Source => source;

    /// <summary>Byte position of the next unread byte (after a restart or the end of the scan).</summary>
    public readonly int Position => _position;

    void Fill()
    {
        while (_count <= 56)
        {
            int b = 0;
            if (!_atMarker && _position < _data.Length)
            {
                b = _data[_position];
                if (b == 0xFF)
                {
                    int next = _position + 1 < _data.Length ? _data[_position + 1] : -1;
                    if (next == 0x00) _position += 2;
                    else { _atMarker = true; b = 0; }
                }
                else _position++;
            }
            else if (_position >= _data.Length) PastEnd = true;
            _buffer |= (ulong)b << (56 - _count);
            _count += 8;
        }
    }

    /// <summary>The next <paramref name="n"/> (≤ 16) bits without consuming them.</summary>
    public int Peek(int n)
    {
        if (_count < n) Fill();
        return (int)(_buffer >> (64 - n));
    }

    /// <summary>Consumes <paramref name="n"/> bits.</summary>
    public void Skip(int n)
    {
        _buffer <<= n;
        _count -= n;
    }

    /// <summary>Reads <paramref name="n"/> bits and sign-extends them as T.81's EXTEND (F.2.2.1).</summary>
    public int ReceiveExtend(int n)
    {
        if (n == 0) return 0;
        int v = Peek(n);
        Skip(n);
        return v < 1 << (n - 1) ? v - (1 << n) + 1 : v;
    }

    /// <summary>Drops buffered bits and expects restart marker RST<paramref name="index"/> next.</summary>
    public void Restart(int index)
    {
        _buffer = 0; _count = 0;
        while (_position + 1 < _data.Length && !(_data[_position] == 0xFF && _data[_position + 1] != 0x00))
            _position++; // padding after the interval's last code
        if (_position + 1 >= _data.Length || _data[_position + 1] != 0xD0 + index)
            throw LayerProbeException.For(source, $"corrupt JPEG data (expected restart marker RST{index})");
        _position += 2;
        _atMarker = false;
    }
}
