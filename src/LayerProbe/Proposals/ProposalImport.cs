using System.Security.Cryptography;
using LayerProbe.Data;
using SixLabors.ImageSharp;

namespace LayerProbe.Proposals;

/// <summary>
/// Turns proposals computed elsewhere into a proposals store for an image set: R-CNN's selective-search MAT files
/// (<see cref="SelectiveSearchMat"/>) or the project's CSV format (<see cref="ProposalsCsv"/>, whose rules — partly
/// outside boxes clipped — it keeps). Every image of the set must exist; every id of the file must belong to the set (a
/// file for another split is refused) and appear once; every MAT box must lie inside its image with x1 ≤ x2, y1 ≤ y2.
/// Images the file does not mention get no boxes. The key is the images' content, "import" and the file's SHA-256.
/// </summary>
public static class ProposalImport
{
    /// <summary>Imports <paramref name="file"/> (.mat or .csv) for <paramref name="images"/> into a store under <paramref name="outDirectory"/>.</summary>
    public static ProposalRunResult Import(ImageFileSet images, string file, string outDirectory)
    {
        if (!File.Exists(file)) throw LayerProbeException.For(file, "proposals file not found");
        var hashes = images.ContentHashes();
        string fileHash;
        using (var s = File.OpenRead(file)) fileHash = Convert.ToHexStringLower(SHA256.HashData(s));
        string kind = Path.GetExtension(file).ToLowerInvariant() switch
        {
            ".mat" => "mat",
            ".csv" => "csv",
            var other => throw LayerProbeException.For(file, $"unknown proposals format '{other}' (expected .mat or .csv)"),
        };
        string identity = $"import-{kind} sha256:{fileHash}";
        var key = ProposalStoreFiles.Key(identity, ImageFileSet.Fingerprint(images.Ids, hashes), "as imported");
        string directory = Path.Combine(outDirectory, key.DirectoryName($"proposals-import-{kind}"));
        if (ProposalStoreFiles.IsComplete(directory)) return new ProposalRunResult(directory, 0, images.Count);

        var sizes = Sizes(images);
        var byId = kind == "mat" ? FromMat(file, images, sizes) : ProposalsCsv.Read(file, sizes).ToDictionary(p => p.Key, p => (IReadOnlyList<PixelBox>)p.Value);
        var entries = new ProposalStoreWriter.Entry[images.Count];
        for (int i = 0; i < images.Count; i++)
        {
            var (w, h) = sizes[images.Ids[i]];
            entries[i] = new(images.Ids[i], w, h, hashes[i], byId.TryGetValue(images.Ids[i], out var b) ? b.Count : 0);
        }
        var manifest = new ProposalManifest
        {
            Method = "import", MethodIdentity = identity, Parameters = "as imported", ImportedFrom = Path.GetFullPath(file),
            DataName = images.Name, DataFingerprint = key.ItemsFingerprint, Key = key.Hash, Images = images.Count, Boxes = 0,
            FormatVersion = key.FormatVersion, ToolVersion = Reports.Manifest.ToolVersion, DotNetVersion = Environment.Version.ToString(),
            Created = DateTime.UtcNow.ToString("O"),
        };
        ProposalStoreWriter.Write(directory, entries, i => byId.TryGetValue(images.Ids[i], out var b) ? b : [], manifest);
        return new ProposalRunResult(directory, images.Count, 0);
    }

    /// <summary>Image sizes from the file headers (no decoding); an unreadable image is one line naming it.</summary>
    static Dictionary<string, (int Width, int Height)> Sizes(ImageFileSet images)
    {
        var sizes = new Dictionary<string, (int, int)>(StringComparer.Ordinal);
        for (int i = 0; i < images.Count; i++)
        {
            IImageInfo? info;
            try { info = Image.Identify(images.Paths[i]); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ImageFormatException or NotSupportedException or InvalidDataException)
            { throw LayerProbeException.For(images.Paths[i], $"cannot read image header: {e.Message}", e); }
            if (info is null) throw LayerProbeException.For(images.Paths[i], "not an image in a known format");
            sizes[images.Ids[i]] = (info.Width, info.Height);
        }
        return sizes;
    }

    static Dictionary<string, IReadOnlyList<PixelBox>> FromMat(string file, ImageFileSet images, Dictionary<string, (int Width, int Height)> sizes)
    {
        var (ids, boxes) = SelectiveSearchMat.Read(file);
        var byId = new Dictionary<string, IReadOnlyList<PixelBox>>(StringComparer.Ordinal);
        for (int i = 0; i < ids.Length; i++)
        {
            if (!sizes.TryGetValue(ids[i], out var size))
                throw LayerProbeException.For(file, $"image '{ids[i]}' is not in {images.Name} (a proposals file for another split?)");
            if (!byId.TryAdd(ids[i], boxes[i])) throw LayerProbeException.For(file, $"image '{ids[i]}' appears twice");
            for (int r = 0; r < boxes[i].Length; r++)
            {
                var b = boxes[i][r];
                if (!(b.X1 >= 1 && b.Y1 >= 1 && b.X2 <= size.Width && b.Y2 <= size.Height && b.X1 <= b.X2 && b.Y1 <= b.Y2))
                    throw LayerProbeException.For(file, $"image '{ids[i]}' box {r + 1} [x1 {b.X1} y1 {b.Y1} x2 {b.X2} y2 {b.Y2}] lies outside its {size.Width}x{size.Height} image");
            }
        }
        return byId;
    }
}
