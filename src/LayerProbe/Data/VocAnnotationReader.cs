using System.Globalization;
using System.Xml;
using System.Xml.Linq;

namespace LayerProbe.Data;

/// <summary>
/// Parses VOC annotation XML (<c>size</c>, <c>object</c> with <c>name</c>, <c>pose</c>, <c>truncated</c>,
/// <c>difficult</c>, <c>bndbox</c>). Boxes stay in VOC's 1-based inclusive pixel convention (docs/method.md §6.2).
/// Any problem is a <see cref="LayerProbeException"/> naming the file.
/// </summary>
public static class VocAnnotationReader
{
    /// <summary>Reads <paramref name="path"/>; the image id is the file name without extension.</summary>
    /// <param name="path">Annotation XML file.</param>
    /// <param name="classes">Allowed class names (default: the 20 VOC classes); an object of another class is an error.</param>
    public static VocAnnotation Read(string path, IReadOnlyList<string>? classes = null)
    {
        if (!File.Exists(path)) throw LayerProbeException.For(path, "annotation file not found");
        XDocument doc;
        try
        {
            // No DTDs: VOC annotations have none, and entity expansion is the one way a small file becomes a large document.
            using var reader = XmlReader.Create(path, new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, IgnoreWhitespace = true });
            doc = XDocument.Load(reader);
        }
        catch (XmlException e) { throw LayerProbeException.For(path, $"malformed XML: {e.Message}", e); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw LayerProbeException.For(path, $"cannot read the annotation ({e.Message})", e); }
        return Parse(doc, path, Path.GetFileNameWithoutExtension(path), classes ?? VocClasses.Names);
    }

    static VocAnnotation Parse(XDocument doc, string path, string imageId, IReadOnlyList<string> classes)
    {
        var root = doc.Root is { Name.LocalName: "annotation" } r ? r
            : throw LayerProbeException.For(path, "root element is not <annotation>");
        var size = Required(root, "size", path);
        int width = Int(size, "width", path), height = Int(size, "height", path);
        int depth = size.Element("depth") is null ? 3 : Int(size, "depth", path);
        if (width <= 0 || height <= 0) throw LayerProbeException.For(path, $"image size {width}x{height} is not positive");

        var objects = new List<VocObject>();
        foreach (var obj in root.Elements("object"))
        {
            var name = Text(obj, "name", path).Trim();
            int classIndex = IndexOf(classes, name);
            if (classIndex < 0) throw LayerProbeException.For(path, $"unknown class name '{name}' (object {objects.Count + 1})");
            var bb = Required(obj, "bndbox", path);
            var box = new PixelBox(Number(bb, "xmin", path), Number(bb, "ymin", path), Number(bb, "xmax", path), Number(bb, "ymax", path));
            if (box.X1 < 1 || box.Y1 < 1 || box.X2 > width || box.Y2 > height || box.X2 < box.X1 || box.Y2 < box.Y1)
                throw LayerProbeException.For(path,
                    $"box of object {objects.Count + 1} ({name}) [{box.X1} {box.Y1} {box.X2} {box.Y2}] is outside the {width}x{height} image or empty");
            objects.Add(new VocObject(name, classIndex, Pose(obj),
                Flag(obj, "truncated", path), Flag(obj, "difficult", path), box));
        }
        return new VocAnnotation(imageId, width, height, depth, objects);
    }

    static int IndexOf(IReadOnlyList<string> classes, string name)
    {
        for (int i = 0; i < classes.Count; i++) if (classes[i] == name) return i;
        return -1;
    }

    static XElement Required(XElement parent, string name, string path) =>
        parent.Element(name) ?? throw LayerProbeException.For(path, $"<{parent.Name.LocalName}> has no <{name}>");

    static string Text(XElement parent, string name, string path) => Required(parent, name, path).Value;

    static double Number(XElement parent, string name, string path) =>
        double.TryParse(Text(parent, name, path).Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) ? v
            : throw LayerProbeException.For(path, $"<{name}> is not a number: '{Text(parent, name, path).Trim()}'");

    static int Int(XElement parent, string name, string path)
    {
        double v = Number(parent, name, path);
        return v == Math.Floor(v) && v is >= int.MinValue and <= int.MaxValue ? (int)v
            : throw LayerProbeException.For(path, $"<{name}> is not an integer: {v}");
    }

    /// <summary>Absent or empty flags (labelme exports write <c>&lt;difficult/&gt;</c>) are false.</summary>
    static bool Flag(XElement obj, string name, string path) =>
        obj.Element(name) is { } e && e.Value.Trim().Length > 0 && Int(obj, name, path) != 0;

    static string Pose(XElement obj) => obj.Element("pose")?.Value.Trim() is { Length: > 0 } p ? p : "Unspecified";
}
