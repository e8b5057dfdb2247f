using System.Globalization;
using System.Security;
using System.Text;

namespace LayerProbe.Scenes;

/// <summary>Writes a scene's <c>Annotations/&lt;id&gt;.xml</c> in VOC2007's layout and field order.</summary>
static class SceneAnnotationXml
{
    /// <summary>The XML text (tab-indented like VOC's files, "\n" line ends, invariant numbers).</summary>
    public static string Write(string imageId, string photo, int width, int height, IReadOnlyList<SceneObject> objects)
    {
        var sb = new StringBuilder(512 + 256 * objects.Count);
        sb.Append("<annotation>\n\t<folder>VOC2007</folder>\n");
        sb.Append("\t<filename>").Append(imageId).Append(".jpg</filename>\n");
        sb.Append("\t<source>\n\t\t<database>Fashion-MNIST scenes</database>\n\t\t<annotation>layerprobe make-scenes</annotation>\n");
        sb.Append("\t\t<image>").Append(SecurityElement.Escape(photo)).Append("</image>\n\t</source>\n");
        sb.Append(CultureInfo.InvariantCulture, $"\t<size>\n\t\t<width>{width}</width>\n\t\t<height>{height}</height>\n\t\t<depth>3</depth>\n\t</size>\n");
        sb.Append("\t<segmented>0</segmented>\n");
        foreach (var o in objects)
        {
            sb.Append("\t<object>\n\t\t<name>").Append(SceneClasses.Names[o.ClassIndex]).Append("</name>\n");
            sb.Append("\t\t<pose>Unspecified</pose>\n");
            sb.Append(CultureInfo.InvariantCulture, $"\t\t<truncated>{(o.Truncated ? 1 : 0)}</truncated>\n\t\t<difficult>{(o.Difficult ? 1 : 0)}</difficult>\n");
            sb.Append(CultureInfo.InvariantCulture,
                $"\t\t<bndbox>\n\t\t\t<xmin>{o.Box.X1}</xmin>\n\t\t\t<ymin>{o.Box.Y1}</ymin>\n\t\t\t<xmax>{o.Box.X2}</xmax>\n\t\t\t<ymax>{o.Box.Y2}</ymax>\n\t\t</bndbox>\n");
            sb.Append("\t</object>\n");
        }
        sb.Append("</annotation>\n");
        return sb.ToString();
    }
}
