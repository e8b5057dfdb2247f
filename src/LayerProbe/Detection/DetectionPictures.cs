using System.Globalization;
using System.Text;
using LayerProbe.Data;

namespace LayerProbe.Detection;

/// <summary>
/// A test image with its ground truth and detections, as one self-contained SVG: the JPEG embedded as a data URI,
/// every box a <c>rect</c> in VOC pixels (x1 − 1, y1 − 1, width and height with the +1 convention), ground truth dashed
/// white with its class (difficult objects marked), detections solid in their class's colour with class and score as
/// text. It opens on its own in a browser and is inlined as is into <c>report.html</c>.
/// </summary>
public static class DetectionPictures
{
    static readonly string[] Palette =
    [
        "#e6194b", "#3cb44b", "#ffe119", "#4363d8", "#f58231", "#911eb4", "#46f0f0", "#f032e6", "#bcf60c", "#fabebe",
        "#008080", "#e6beff", "#9a6324", "#fffac8", "#800000", "#aaffc3", "#808000", "#ffd8b1", "#000075", "#808080",
    ];

    /// <summary>The colour of class <paramref name="classIndex"/>.</summary>
    public static string Colour(int classIndex) => Palette[classIndex % Palette.Length];

    /// <summary>
    /// The picture of <paramref name="annotation"/>'s image (<paramref name="jpegPath"/>) with its GT objects and
    /// <paramref name="detections"/> (class index, detection), written atomically to <paramref name="path"/>.
    /// </summary>
    public static void Write(string path, VocAnnotation annotation, string jpegPath, IReadOnlyList<string> classes,
        IReadOnlyList<(int Class, Probes.Detection Detection)> detections)
    {
        byte[] jpeg;
        try { jpeg = File.ReadAllBytes(jpegPath); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw LayerProbeException.For(jpegPath, $"cannot read the image ({e.Message})", e); }
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        AtomicFile.WriteText(path, Svg(annotation, jpeg, classes, detections));
    }

    /// <summary>The SVG text (see the type's summary).</summary>
    public static string Svg(VocAnnotation annotation, byte[] jpeg, IReadOnlyList<string> classes,
        IReadOnlyList<(int Class, Probes.Detection Detection)> detections)
    {
        int w = annotation.Width, h = annotation.Height;
        var svg = new StringBuilder();
        svg.Append(Invariant($"<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" font-family=\"DejaVu Sans, sans-serif\" font-size=\"11\">\n"));
        svg.Append($"<title>{Escape(annotation.ImageId)}: ground truth (dashed) and detections</title>\n");
        string data = "data:image/jpeg;base64," + Convert.ToBase64String(jpeg);
        svg.Append(Invariant($"<image x=\"0\" y=\"0\" width=\"{w}\" height=\"{h}\" href=\"{data}\" xlink:href=\"{data}\"/>\n"));
        foreach (var o in annotation.Objects)
        {
            svg.Append(Rect(o.Box, "#ffffff", dashed: true));
            Label(svg, o.Box, o.ClassName + (o.Difficult ? " (difficult)" : ""), "#ffffff", "#000000", below: true, h);
        }
        foreach (var (c, d) in detections.OrderBy(x => x.Detection.Score))
        {
            svg.Append(Rect(d.Box, Colour(c), dashed: false));
            Label(svg, d.Box, Invariant($"{classes[c]} {d.Score:F2}"), Colour(c), "#000000", below: false, h);
        }
        svg.Append("</svg>\n");
        return svg.ToString();
    }

    static string Rect(PixelBox b, string colour, bool dashed) =>
        Invariant($"<rect x=\"{b.X1 - 1:0.##}\" y=\"{b.Y1 - 1:0.##}\" width=\"{b.Width:0.##}\" height=\"{b.Height:0.##}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\"{(dashed ? " stroke-dasharray=\"5 3\"" : "")}/>\n");

    /// <summary>A label on a filled strip at the box's top edge (detections) or bottom edge (ground truth), kept inside the image.</summary>
    static void Label(StringBuilder svg, PixelBox b, string text, string background, string ink, bool below, int imageHeight)
    {
        const double strip = 14;
        double width = 6.6 * text.Length + 4;
        double x = b.X1 - 1, y = below ? Math.Min(b.Y2, imageHeight - strip) : Math.Max(0, b.Y1 - 1 - strip);
        svg.Append(Invariant($"<rect x=\"{x:0.##}\" y=\"{y:0.##}\" width=\"{width:0.#}\" height=\"{strip}\" fill=\"{background}\" fill-opacity=\"0.85\"/>\n"));
        svg.Append(Invariant($"<text x=\"{x + 2:0.##}\" y=\"{y + 11:0.##}\" fill=\"{ink}\">{Escape(text)}</text>\n"));
    }

    static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    static string Escape(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;").Replace("\"", "&quot;");
}
