using LayerProbe.Data;
using LayerProbe.Features;

namespace LayerProbe.Regions;

/// <summary>
/// A <see cref="RegionTable"/> file read through a memory map, row by row: what detector training and testing ask of
/// a region (is it a GT row, its class, its box, its maximum IoU with each class's GT boxes). Memory does not grow with
/// the number of regions. Thread-safe for readers (float32 rows are read in place).
/// </summary>
public sealed class RegionTableRows : IDisposable
{
    readonly FeatureMatrix _matrix;

    /// <summary>Opens the table at <paramref name="path"/> for <paramref name="classes"/> classes (a table of another class count is one clear line).</summary>
    public RegionTableRows(string path, int classes)
    {
        _matrix = FeatureMatrix.OpenFile(path);
        if (_matrix.Header.DType != FeatureDType.Float32 || _matrix.Cols != RegionRows.Columns(classes))
        {
            _matrix.Dispose();
            throw LayerProbeException.For(path, $"not a region table for {classes} classes ({_matrix.Header.DType.Name()}, {_matrix.Cols} columns)");
        }
        Classes = classes;
    }

    /// <summary>Opens the table of <paramref name="regions"/> in <paramref name="directory"/>, checking its row count.</summary>
    public static RegionTableRows Of(VocRegions regions, string directory)
    {
        string path = Path.Combine(directory, RegionTable.FileName(regions.Fingerprint));
        var rows = new RegionTableRows(path, regions.Classes.Count);
        if (rows.Count != regions.Count)
        {
            rows.Dispose();
            throw LayerProbeException.For(path, $"{rows.Count} rows for {regions.Count} regions");
        }
        return rows;
    }

    /// <summary>Number of classes (overlap columns).</summary>
    public int Classes { get; }
    /// <summary>Number of region rows.</summary>
    public int Count => (int)_matrix.RowCount;
    /// <summary>Whether row <paramref name="i"/> is a ground-truth box.</summary>
    public bool IsGroundTruth(int i) => _matrix.Row(i)[RegionTable.GtColumn] != 0;
    /// <summary>GT class index of row <paramref name="i"/> (−1 for proposals).</summary>
    public int ClassIndex(int i) => (int)_matrix.Row(i)[RegionTable.ClassColumn];
    /// <summary>Box of row <paramref name="i"/> (VOC 1-based inclusive pixels).</summary>
    public PixelBox Box(int i)
    {
        var r = _matrix.Row(i);
        int b = RegionTable.BoxColumn;
        return new PixelBox(r[b], r[b + 1], r[b + 2], r[b + 3]);
    }
    /// <summary>Maximum IoU of row <paramref name="i"/> with the GT boxes of class <paramref name="c"/> of its image.</summary>
    public float Overlap(int i, int c) => _matrix.Row(i)[RegionTable.OverlapColumn + c];
    /// <summary>All overlaps of row <paramref name="i"/> (one per class, devkit order).</summary>
    public ReadOnlySpan<float> Overlaps(int i) => _matrix.Row(i).Slice(RegionTable.OverlapColumn, Classes);

    /// <summary>Releases the map.</summary>
    public void Dispose() => _matrix.Dispose();
}
