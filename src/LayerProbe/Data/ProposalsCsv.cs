using System.Globalization;

namespace LayerProbe.Data;

/// <summary>
/// Region proposals (e.g. selective-search boxes computed elsewhere) as a CSV file: one box a line,
/// <c>image_id,x1,y1,x2,y2</c> in VOC's 1-based inclusive pixels, an optional header line starting <c>image_id</c>,
/// blank lines skipped. Boxes reaching beyond the image are clipped to it. Any bad line — unknown image id, wrong field
/// count, a coordinate that is not a number, x2 &lt; x1 or y2 &lt; y1, a box wholly outside its image — is a
/// <see cref="LayerProbeException"/> "<c>file:line: problem</c>".
/// </summary>
public static class ProposalsCsv
{
    /// <summary>
    /// Reads <paramref name="path"/> for the images in <paramref name="imageSizes"/> (id → width, height); images without
    /// a line get no proposals.
    /// </summary>
    public static Dictionary<string, List<PixelBox>> Read(string path, IReadOnlyDictionary<string, (int Width, int Height)> imageSizes)
    {
        if (!File.Exists(path)) throw LayerProbeException.For(path, "proposals file not found");
        var proposals = new Dictionary<string, List<PixelBox>>();
        int number = 0;
        bool first = true;
        foreach (var raw in File.ReadLines(path))
        {
            number++;
            var line = raw.Trim();
            if (line.Length == 0) continue;
            var fields = line.Split(',', StringSplitOptions.TrimEntries);
            bool header = first && fields[0].Equals("image_id", StringComparison.OrdinalIgnoreCase);
            first = false;
            if (header) continue;
            string at = $"{path}:{number}";
            if (fields.Length != 5) throw LayerProbeException.For(at, $"expected 'image_id,x1,y1,x2,y2', got '{line}'");
            if (!imageSizes.TryGetValue(fields[0], out var size)) throw LayerProbeException.For(at, $"unknown image id '{fields[0]}' (not in the split)");
            var c = new double[4];
            for (int i = 0; i < 4; i++)
                if (!double.TryParse(fields[i + 1], NumberStyles.Float, CultureInfo.InvariantCulture, out c[i]) || !double.IsFinite(c[i]))
                    throw LayerProbeException.For(at, $"coordinate '{fields[i + 1]}' is not a number");
            if (c[2] < c[0] || c[3] < c[1]) throw LayerProbeException.For(at, $"box [{fields[1]} {fields[2]} {fields[3]} {fields[4]}] has x2 < x1 or y2 < y1");
            var box = new PixelBox(Math.Max(1, c[0]), Math.Max(1, c[1]), Math.Min(size.Width, c[2]), Math.Min(size.Height, c[3]));
            if (box.X2 < box.X1 || box.Y2 < box.Y1)
                throw LayerProbeException.For(at, $"box [{fields[1]} {fields[2]} {fields[3]} {fields[4]}] lies outside the {size.Width}x{size.Height} image {fields[0]}");
            if (!proposals.TryGetValue(fields[0], out var list)) proposals[fields[0]] = list = [];
            list.Add(box);
        }
        return proposals;
    }
}
