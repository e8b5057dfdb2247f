namespace LayerProbe.Scenes;

/// <summary>Writes Huffman-coded JPEG blocks (T.81 F.1.2) with 0xFF byte stuffing; the last byte is padded with 1s.</summary>
sealed class JpegBitWriter(Stream output)
{
    uint _buffer;
    int _count;

    /// <summary>Writes the low <paramref name="n"/> bits of <paramref name="bits"/>, most significant first.</summary>
    public void Write(int bits, int n)
    {
        _buffer = (_buffer << n) | ((uint)bits & ((1u << n) - 1));
        _count += n;
        while (_count >= 8)
        {
            byte b = (byte)(_buffer >> (_count - 8));
            output.WriteByte(b);
            if (b == 0xFF) output.WriteByte(0x00);
            _count -= 8;
        }
    }

    /// <summary>Codes one block (zig-zag coefficients): the DC difference, then AC run/size pairs with ZRL and EOB.</summary>
    /// <returns>This block's DC, the next block's predictor.</returns>
    public int WriteBlock(ReadOnlySpan<int> zigzag, int previousDc, JpegHuffmanTable dc, JpegHuffmanTable ac)
    {
        int diff = zigzag[0] - previousDc;
        int size = Magnitude(diff);
        Symbol(dc, size);
        if (size > 0) Write(diff < 0 ? diff - 1 : diff, size);
        int run = 0;
        for (int k = 1; k < 64; k++)
        {
            int v = zigzag[k];
            if (v == 0) { run++; continue; }
            for (; run > 15; run -= 16) Symbol(ac, 0xF0);
            size = Magnitude(v);
            Symbol(ac, (run << 4) | size);
            Write(v < 0 ? v - 1 : v, size);
            run = 0;
        }
        if (run > 0) Symbol(ac, 0x00);
        return zigzag[0];
    }

    /// <summary>Pads the last byte with 1 bits.</summary>
    public void Flush()
    {
        if (_count > 0) Write(0x7F, 8 - _count);
    }

    void Symbol(JpegHuffmanTable table, int symbol) => Write(table.Code[symbol], table.Size[symbol]);

    static int Magnitude(int v)
    {
        v = Math.Abs(v);
        int n = 0;
        while (v > 0) { n++; v >>= 1; }
        return n;
    }
}
