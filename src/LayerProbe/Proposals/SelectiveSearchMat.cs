using LayerProbe.Data;

namespace LayerProbe.Proposals;

/// <summary>
/// The pre-computed selective-search files of R-CNN and Fast R-CNN (<c>selective_search_data/voc_2007_{trainval,test}.mat</c>):
/// a cell array <c>images</c> of image ids (char row vectors; a char matrix with one id per row is accepted too) and a
/// cell array <c>boxes</c> of the same length, each cell an N×4 numeric matrix (any numeric class) of 1-based boxes in
/// <c>[y1 x1 y2 x2]</c> order, returned here as <see cref="PixelBox"/> (x1, y1, x2, y2) in file order.
/// </summary>
public static class SelectiveSearchMat
{
    /// <summary>Reads <paramref name="path"/>; a missing variable or a malformed cell is one line naming the file.</summary>
    public static (string[] ImageIds, PixelBox[][] Boxes) Read(string path)
    {
        var variables = MatFile.Read(path);
        if (!variables.TryGetValue("images", out var images)) throw LayerProbeException.For(path, "no variable 'images' (expected R-CNN's selective-search file)");
        if (!variables.TryGetValue("boxes", out var boxes)) throw LayerProbeException.For(path, "no variable 'boxes' (expected R-CNN's selective-search file)");
        var ids = Ids(images, path);
        if (boxes.Cells is not { } cells) throw LayerProbeException.For(path, $"'boxes' is not a cell array (class {boxes.ClassCode})");
        if (cells.Length != ids.Length) throw LayerProbeException.For(path, $"'boxes' has {cells.Length} cells, 'images' {ids.Length} ids");
        var result = new PixelBox[cells.Length][];
        for (int i = 0; i < cells.Length; i++) result[i] = Boxes(cells[i], $"boxes{{{i + 1}}} ({ids[i]})", path);
        return (ids, result);
    }

    static string[] Ids(MatArray images, string path)
    {
        if (images.Cells is { } cells)
            return [.. cells.Select((c, i) => c.Chars is { } s && (c.Dims.Count(d => d != 1) <= 1)
                ? s : throw LayerProbeException.For(path, $"images{{{i + 1}}} is not a character row vector"))];
        if (images.Chars is { } chars && images.Dims.Length == 2)
        {
            int rows = images.Dims[0], cols = images.Dims[1];
            return [.. Enumerable.Range(0, rows).Select(r =>
                new string([.. Enumerable.Range(0, cols).Select(c => chars[c * rows + r])]).TrimEnd(' ', '\0'))];
        }
        throw LayerProbeException.For(path, "'images' is neither a cell array of ids nor a char matrix");
    }

    /// <summary>An N×4 matrix, column-major [y1 x1 y2 x2] → (x1, y1, x2, y2); empty matrices give no boxes.</summary>
    static PixelBox[] Boxes(MatArray cell, string what, string path)
    {
        if (cell.Count == 0) return [];
        if (!cell.IsNumeric || cell.Numbers is not { } v) throw LayerProbeException.For(path, $"{what} is not a real numeric matrix (class {cell.ClassCode})");
        if (cell.Dims.Length != 2 || cell.Dims[1] != 4) throw LayerProbeException.For(path, $"{what} is {cell.Shape}, expected N×4 [y1 x1 y2 x2]");
        int n = cell.Dims[0];
        var boxes = new PixelBox[n];
        for (int r = 0; r < n; r++) boxes[r] = new PixelBox(v[n + r], v[r], v[3 * n + r], v[2 * n + r]);
        return boxes;
    }
}
