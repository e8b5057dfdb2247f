using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace LayerProbe.Reports;

/// <summary>
/// An SVG file made fit to sit inside an HTML page: no XML prolog, scalable (a viewBox; the page's style lets it
/// shrink below its drawn size but not grow beyond it, where its text would outgrow the page's), every id
/// prefixed so that several plots on one page cannot capture each other's clip paths, and a title for screen readers.
/// </summary>
public static partial class InlineSvg
{
    static readonly XNamespace Svg = "http://www.w3.org/2000/svg";
    static readonly XNamespace XLink = "http://www.w3.org/1999/xlink";

    /// <summary>The <c>svg</c> element of <paramref name="path"/> as HTML, with ids prefixed by <paramref name="idPrefix"/>.</summary>
    public static string Read(string path, string idPrefix, string title)
    {
        XDocument document;
        try { document = XDocument.Load(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Xml.XmlException)
        { throw LayerProbeException.For(path, $"cannot read the plot ({e.Message})", e); }
        var root = document.Root ?? throw LayerProbeException.For(path, "empty SVG");
        if (root.Attribute("viewBox") is null && Number(root.Attribute("width")) is { } w && Number(root.Attribute("height")) is { } h)
            root.SetAttributeValue("viewBox", $"0 0 {w} {h}");
        foreach (var element in root.DescendantsAndSelf())
            foreach (var attribute in element.Attributes().ToList())
            {
                if (attribute.Name == "id") attribute.Value = idPrefix + attribute.Value;
                else if ((attribute.Name == "href" || attribute.Name == XLink + "href") && attribute.Value.StartsWith('#'))
                    attribute.Value = "#" + idPrefix + attribute.Value[1..];
                else if (attribute.Value.Contains("url(#"))
                    attribute.Value = attribute.Value.Replace("url(#", "url(#" + idPrefix);
            }
        foreach (var style in root.Descendants(Svg + "style")) style.Value = style.Value.Replace("url(#", "url(#" + idPrefix);
        root.Elements(Svg + "title").Remove();
        root.AddFirst(new XElement(Svg + "title", title));
        root.SetAttributeValue("role", "img");
        root.SetAttributeValue("aria-label", title);
        return root.ToString(SaveOptions.DisableFormatting);
    }

    static double? Number(XAttribute? attribute) =>
        attribute is not null && LeadingNumber().Match(attribute.Value) is { Success: true } m
            ? double.Parse(m.Value, System.Globalization.CultureInfo.InvariantCulture) : null;

    [GeneratedRegex(@"^\s*[0-9]+(\.[0-9]+)?")]
    private static partial Regex LeadingNumber();
}
