using System.Globalization;
using System.IO.MemoryMappedFiles;
using LayerProbe.Data;
using LayerProbe.Features;

namespace LayerProbe.Proposals;

/// <summary>
/// A complete proposals store opened for reading: the image list in data-set order with each image's row range, and
/// the boxes through a read-only memory map (one float32 row x1 y1 x2 y2 per (image, box); nothing is loaded).
/// </summary>
public sealed unsafe class ProposalStore : IDisposable
{
    readonly MemoryMappedFile _file;
    readonly MemoryMappedViewAccessor _view;
    readonly float* _rows;
    readonly Dictionary<string, int> _index;

    ProposalStore(string directory, IReadOnlyList<ProposalStoreImage> images, long rows, string boxesPath)
    {
        Directory = directory;
        Images = images;
        Rows = rows;
        _index = images.Select((im, i) => (im.Id, i)).ToDictionary(p => p.Id, p => p.i, StringComparer.Ordinal);
        _file = MemoryMappedFile.CreateFromFile(boxesPath, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        _view = _file.CreateViewAccessor(0, FeatureMatrixHeader.Size + rows * ProposalStoreFiles.Cols * sizeof(float), MemoryMappedFileAccess.Read);
        byte* start = null;
        _view.SafeMemoryMappedViewHandle.AcquirePointer(ref start);
        _rows = (float*)(start + _view.PointerOffset + FeatureMatrixHeader.Size);
    }

    /// <summary>The store folder.</summary>
    public string Directory { get; }
    /// <summary>Images in data-set order.</summary>
    public IReadOnlyList<ProposalStoreImage> Images { get; }
    /// <summary>Total rows (boxes of all images).</summary>
    public long Rows { get; }

    /// <summary>Opens the complete store in <paramref name="directory"/>; anything else is one line naming it.</summary>
    public static ProposalStore Open(string directory)
    {
        if (!ProposalStoreFiles.IsComplete(directory))
            throw LayerProbeException.For(directory, System.IO.Directory.Exists(directory) ? "proposals store is incomplete (rerun to resume)" : "no proposals store here");
        string boxesPath = Path.Combine(directory, ProposalStoreFiles.Boxes), imagesPath = Path.Combine(directory, ProposalStoreFiles.Images);
        Span<byte> head = stackalloc byte[FeatureMatrixHeader.Size];
        using (var s = File.OpenRead(boxesPath))
        {
            if (s.Length < FeatureMatrixHeader.Size) throw LayerProbeException.For(boxesPath, "too short for a header");
            s.ReadExactly(head);
        }
        var header = FeatureMatrixHeader.Read(head, boxesPath);
        if (header.DType != FeatureDType.Float32 || header.Cols != ProposalStoreFiles.Cols)
            throw LayerProbeException.For(boxesPath, $"not a box matrix ({header.DType.Name()}, {header.Cols} columns)");
        if (new FileInfo(boxesPath).Length != header.FileLength(header.Rows)) throw LayerProbeException.For(boxesPath, $"length does not match its {header.Rows} rows");
        var images = ReadImages(imagesPath);
        long expected = 0;
        foreach (var im in images)
        {
            if (im.FirstRow != expected) throw LayerProbeException.For(imagesPath, $"image {im.Id} starts at row {im.FirstRow}, expected {expected}");
            expected += im.Rows;
        }
        if (expected != header.Rows) throw LayerProbeException.For(imagesPath, $"lists {expected} rows, {ProposalStoreFiles.Boxes} holds {header.Rows}");
        return new ProposalStore(directory, images, header.Rows, boxesPath);
    }

    static List<ProposalStoreImage> ReadImages(string path)
    {
        var images = new List<ProposalStoreImage>();
        int number = 0;
        foreach (var line in File.ReadLines(path))
        {
            number++;
            if (line.Length == 0 || line[0] == '#') continue;
            var f = line.Split('\t');
            if (f.Length != 6 || !long.TryParse(f[1], CultureInfo.InvariantCulture, out long first) || !int.TryParse(f[2], CultureInfo.InvariantCulture, out int rows)
                || !int.TryParse(f[3], CultureInfo.InvariantCulture, out int w) || !int.TryParse(f[4], CultureInfo.InvariantCulture, out int h))
                throw LayerProbeException.For($"{path}:{number}", "expected image_id, first_row, rows, width, height, sha256");
            images.Add(new ProposalStoreImage(f[0], first, rows, w, h, f[5]));
        }
        return images;
    }

    /// <summary>Index of image <paramref name="id"/>, or −1.</summary>
    public int IndexOf(string id) => _index.TryGetValue(id, out int i) ? i : -1;

    /// <summary>Row <paramref name="row"/> as a box.</summary>
    public PixelBox Box(long row)
    {
        if ((ulong)row >= (ulong)Rows) throw new ArgumentOutOfRangeException(nameof(row), row, $"store has {Rows} rows");
        float* r = _rows + row * ProposalStoreFiles.Cols;
        return new PixelBox(r[0], r[1], r[2], r[3]);
    }

    /// <summary>The raw rows [x1 y1 x2 y2]… of image <paramref name="image"/>, straight from the map.</summary>
    public ReadOnlySpan<float> RowsOf(int image)
    {
        var im = Images[image];
        return new ReadOnlySpan<float>(_rows + im.FirstRow * ProposalStoreFiles.Cols, im.Rows * ProposalStoreFiles.Cols);
    }

    /// <summary>The boxes of image <paramref name="image"/> in rank order.</summary>
    public PixelBox[] Boxes(int image)
    {
        var im = Images[image];
        var result = new PixelBox[im.Rows];
        for (int i = 0; i < im.Rows; i++) result[i] = Box(im.FirstRow + i);
        return result;
    }

    /// <summary>Releases the map.</summary>
    public void Dispose()
    {
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _file.Dispose();
    }
}
