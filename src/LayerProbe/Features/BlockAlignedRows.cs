using System.Runtime.InteropServices;

namespace LayerProbe.Features;

/// <summary>
/// One layer's rows of a batch, in a buffer laid out like the store file's disk blocks: the rows begin
/// <see cref="Lead"/> bytes into the first block, exactly where the store's partial last block ends, so the store puts
/// that partial block in front of them and hands the blocks to the disk as they are (<see cref="DirectAppendFile.WriteInPlace"/>).
/// ONNX Runtime writes its outputs straight to <see cref="Place"/>; nothing copies the rows after that.
/// </summary>
sealed class BlockAlignedRows : IDisposable
{
    const int BlockFloats = DirectAppendFile.Alignment / sizeof(float);
    readonly PrefaultedBuffer _buffer; // starts on a block boundary

    /// <summary>Room for <paramref name="values"/> floats after a lead of up to one block, rounded up to whole blocks.</summary>
    public BlockAlignedRows(long values)
    {
        _buffer = new PrefaultedBuffer((values + 2 * BlockFloats - 1) / BlockFloats * BlockFloats);
        Capacity = values;
    }

    /// <summary>Floats the rows may take.</summary>
    public long Capacity { get; }
    /// <summary>Bytes between the block boundary and the first row (a multiple of 4, less than a block).</summary>
    public int Lead { get; private set; }
    /// <summary>Values placed by the last <see cref="Place"/>.</summary>
    public int Count { get; private set; }

    /// <summary>Where <paramref name="count"/> values go when the rows start <paramref name="lead"/> bytes into a block.</summary>
    public Memory<float> Place(int lead, int count)
    {
        if (lead < 0 || lead >= DirectAppendFile.Alignment || lead % sizeof(float) != 0)
            throw new ArgumentOutOfRangeException(nameof(lead), lead, "must be a multiple of 4 within one block");
        if (count < 0 || count > Capacity) throw new ArgumentOutOfRangeException(nameof(count), count, $"room for {Capacity} values");
        Lead = lead;
        Count = count;
        return _buffer.Memory.Slice(lead / sizeof(float), count);
    }

    /// <summary>The placed values.</summary>
    public ReadOnlySpan<float> Values => _buffer.Span.Slice(Lead / sizeof(float), Count);

    /// <summary>The whole blocks from the boundary before the rows: the lead, the rows, and room up to the next boundary.</summary>
    public Span<byte> Blocks => MemoryMarshal.AsBytes(_buffer.Span);

    /// <summary>Page-locks the buffer for a CUDA device (<see cref="PrefaultedBuffer.PinForCuda"/>).</summary>
    public bool PinForCuda() => _buffer.PinForCuda();

    public void Dispose() => ((IDisposable)_buffer).Dispose();
}
