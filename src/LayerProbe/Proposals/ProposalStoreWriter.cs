using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using LayerProbe.Data;
using LayerProbe.Features;

namespace LayerProbe.Proposals;

/// <summary>
/// Writes a complete proposals store in one pass (<see cref="ProposalStoreFiles"/>): the box matrix and the image list,
/// each to a temporary name and renamed, then the manifest, then the complete marker. A kill leaves no complete
/// marker, so the folder is never read as a store; boxes are streamed image by image, so RAM holds one image's boxes.
/// </summary>
static class ProposalStoreWriter
{
    /// <summary>An image to store: id, size, content hash and box count (its boxes come from the writer's callback).</summary>
    public readonly record struct Entry(string Id, int Width, int Height, string Sha256, int Rows);

    /// <summary>Writes the store of <paramref name="images"/> (in order) into <paramref name="directory"/>; <paramref name="boxes"/> gives image i's boxes.</summary>
    /// <remarks><paramref name="beforeComplete"/> runs just before the complete marker (a shard store's record goes there).</remarks>
    public static void Write(string directory, IReadOnlyList<Entry> images, Func<int, IReadOnlyList<PixelBox>> boxes, ProposalManifest manifest,
        Action<string>? beforeComplete = null)
    {
        Directory.CreateDirectory(directory);
        long total = images.Sum(e => (long)e.Rows);
        var header = new FeatureMatrixHeader(FeatureDType.Float32, total, ProposalStoreFiles.Cols, ProposalStoreFiles.Cols, 1, 1);
        AtomicFile.Write(Path.Combine(directory, ProposalStoreFiles.Boxes), stream =>
        {
            var head = new byte[FeatureMatrixHeader.Size];
            header.Write(head);
            stream.Write(head);
            float[] row = new float[ProposalStoreFiles.Cols];
            for (int i = 0; i < images.Count; i++)
            {
                var list = boxes(i);
                if (list.Count != images[i].Rows) throw new InvalidOperationException($"image {images[i].Id}: {list.Count} boxes, {images[i].Rows} announced");
                foreach (var b in list)
                {
                    (row[0], row[1], row[2], row[3]) = ((float)b.X1, (float)b.Y1, (float)b.X2, (float)b.Y2);
                    stream.Write(MemoryMarshal.AsBytes(row.AsSpan()));
                }
            }
        });
        var text = new StringBuilder("# image_id\tfirst_row\trows\twidth\theight\tsha256\n");
        long first = 0;
        foreach (var e in images)
        {
            if (e.Id.Contains('\t') || e.Id.Contains('\n')) throw LayerProbeException.For(e.Id, "image id contains a tab or line break");
            text.Append(CultureInfo.InvariantCulture, $"{e.Id}\t{first}\t{e.Rows}\t{e.Width}\t{e.Height}\t{e.Sha256}\n");
            first += e.Rows;
        }
        AtomicFile.WriteText(Path.Combine(directory, ProposalStoreFiles.Images), text.ToString());
        AtomicFile.WriteText(Path.Combine(directory, ProposalStoreFiles.Manifest), (manifest with { Images = images.Count, Boxes = total }).ToJson());
        beforeComplete?.Invoke(directory);
        AtomicFile.WriteText(Path.Combine(directory, ProposalStoreFiles.Complete), $"{manifest.Key}\n");
    }
}
