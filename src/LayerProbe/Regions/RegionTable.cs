using System.Runtime.InteropServices;
using LayerProbe.Data;
using LayerProbe.Features;

namespace LayerProbe.Regions;

/// <summary>
/// The region bookkeeping that detector training reads beside region features: one float32 row per region item, in
/// item order, laid out by <see cref="RegionRows.Fill"/> (gt flag, class, x1 y1 x2 y2, max IoU per class). It is a
/// feature-matrix file (the stores' 64-byte header) named after the item set's fingerprint
/// (<c>regions-&lt;32 hex&gt;.lpfm</c>), so a feature store and its table meet through the store manifest's
/// <c>DataFingerprint</c>. Written image by image (memory: one image's rows) under a temporary name, then renamed.
/// </summary>
public static class RegionTable
{
    /// <summary>Column of the gt flag (1 = ground-truth row).</summary>
    public const int GtColumn = 0;
    /// <summary>Column of the GT class index (−1 for proposals).</summary>
    public const int ClassColumn = 1;
    /// <summary>First of the four box columns x1 y1 x2 y2.</summary>
    public const int BoxColumn = 2;
    /// <summary>First overlap column (one per class, devkit order).</summary>
    public const int OverlapColumn = 6;

    /// <summary>File name of the table for item-set fingerprint <paramref name="fingerprint"/>.</summary>
    public static string FileName(string fingerprint) => $"regions-{fingerprint[..32]}.lpfm";

    /// <summary>Writes the table of <paramref name="regions"/> into <paramref name="directory"/> unless it is already there; returns its path.</summary>
    public static string WriteBeside(VocRegions regions, string directory)
    {
        string path = Path.Combine(directory, FileName(regions.Fingerprint));
        if (File.Exists(path)) return path; // content-addressed by name and written by rename: complete when present
        int cols = RegionRows.Columns(regions.Classes.Count);
        var header = new FeatureMatrixHeader(FeatureDType.Float32, regions.Count, cols, cols, 1, 1);
        AtomicFile.Write(path, stream =>
        {
            var head = new byte[FeatureMatrixHeader.Size];
            header.Write(head);
            stream.Write(head);
            float[] rows = [];
            for (int i = 0; i < regions.Images; i++)
            {
                var annotation = regions.Annotation(i);
                var proposals = regions.Proposals(i);
                int n = RegionRows.Count(annotation, proposals.Length) * cols;
                if (rows.Length < n) rows = new float[n];
                RegionRows.Fill(annotation, proposals, regions.Classes.Count, rows);
                stream.Write(MemoryMarshal.AsBytes(rows.AsSpan(0, n)));
            }
        });
        return path;
    }

    /// <summary>Reads a whole table (for tests and small sets; training streams it through a map).</summary>
    public static (FeatureMatrixHeader Header, float[] Values) Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < FeatureMatrixHeader.Size) throw LayerProbeException.For(path, "too short for a header");
        var header = FeatureMatrixHeader.Read(bytes.AsSpan(0, FeatureMatrixHeader.Size), path);
        if (header.DType != FeatureDType.Float32 || bytes.Length != header.FileLength(header.Rows))
            throw LayerProbeException.For(path, $"not a region table ({header.DType.Name()}, {bytes.Length} bytes for {header.Rows} rows)");
        return (header, MemoryMarshal.Cast<byte, float>(bytes.AsSpan(FeatureMatrixHeader.Size)).ToArray());
    }
}
