using System.Buffers.Binary;
using LayerProbe.Data;

namespace LayerProbe.Proposals;

/// <summary>
/// The per-image results of a computation in progress, one small file per finished image in the store's
/// <see cref="ProposalStoreFiles.Pending"/> folder (written atomically: a kill loses only the images in flight).
/// Layout: int32 width, int32 height, int32 box count, then float32 x1 y1 x2 y2 per box (little-endian).
/// </summary>
sealed class PendingResults(string storeDirectory)
{
    /// <summary>The pending folder.</summary>
    public string Folder { get; } = Path.Combine(storeDirectory, ProposalStoreFiles.Pending);

    string PathOf(int image) => Path.Combine(Folder, $"{image:D7}.boxes");

    /// <summary>Records the result of image <paramref name="image"/>.</summary>
    public void Save(int image, ProposalImage result)
    {
        var bytes = new byte[12 + 16 * result.Boxes.Count];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, result.Width);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(4), result.Height);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(8), result.Boxes.Count);
        int at = 12;
        foreach (var b in result.Boxes)
            foreach (double c in (ReadOnlySpan<double>)[b.X1, b.Y1, b.X2, b.Y2])
            {
                BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(at), (float)c);
                at += 4;
            }
        AtomicFile.WriteBytes(PathOf(image), bytes);
    }

    /// <summary>The saved result of image <paramref name="image"/>, or null when there is none (or it is not whole).</summary>
    public ProposalImage? TryLoad(int image)
    {
        var path = PathOf(image);
        if (!File.Exists(path)) return null;
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < 12) return null;
        int count = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(8));
        if (count < 0 || bytes.Length != 12 + 16L * count) return null;
        var boxes = new PixelBox[count];
        for (int i = 0; i < count; i++)
        {
            var s = bytes.AsSpan(12 + 16 * i);
            boxes[i] = new PixelBox(BinaryPrimitives.ReadSingleLittleEndian(s), BinaryPrimitives.ReadSingleLittleEndian(s[4..]),
                BinaryPrimitives.ReadSingleLittleEndian(s[8..]), BinaryPrimitives.ReadSingleLittleEndian(s[12..]));
        }
        return new ProposalImage(BinaryPrimitives.ReadInt32LittleEndian(bytes), BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(4)), boxes);
    }

    /// <summary>Removes the folder once the store is complete.</summary>
    public void Delete()
    {
        if (Directory.Exists(Folder)) Directory.Delete(Folder, recursive: true);
    }
}
