using System.Net;
using System.Text.RegularExpressions;

namespace LayerProbe.Reports;

/// <summary>
/// Text for HTML pages: escaping, and the few inline Markdown marks the report prose uses (<c>**bold**</c>,
/// <c>*emphasis*</c>, <c>`code`</c>), so that one sentence serves the Markdown and the HTML report alike.
/// </summary>
public static partial class HtmlText
{
    /// <summary>Escapes &amp;, &lt;, &gt; and quotes.</summary>
    public static string Escape(string text) => WebUtility.HtmlEncode(text);

    /// <summary>Escapes text for an attribute value in double quotes.</summary>
    public static string Attribute(string text) => WebUtility.HtmlEncode(text);

    /// <summary>Escapes <paramref name="markdown"/> and renders its code spans, bold and emphasis as HTML.</summary>
    public static string Inline(string markdown)
    {
        var parts = CodeSpan().Split(markdown);
        var sb = new System.Text.StringBuilder();
        for (int i = 0; i < parts.Length; i++)
        {
            // Split keeps the captured code text at odd positions.
            if (i % 2 == 1) { sb.Append("<code>").Append(Escape(parts[i])).Append("</code>"); continue; }
            string text = Escape(parts[i]);
            text = Bold().Replace(text, "<strong>$1</strong>");
            text = Emphasis().Replace(text, "<em>$1</em>");
            sb.Append(text);
        }
        return sb.ToString();
    }

    /// <summary>An anchor id for a heading: lower-case letters and digits joined by hyphens.</summary>
    public static string Slug(string text)
    {
        var slug = NotWord().Replace(text.ToLowerInvariant(), "-").Trim('-');
        return slug.Length == 0 ? "section" : slug;
    }

    [GeneratedRegex("`([^`]+)`")]
    private static partial Regex CodeSpan();
    [GeneratedRegex(@"\*\*(.+?)\*\*")]
    private static partial Regex Bold();
    [GeneratedRegex(@"(?<![\w*])\*(?!\s)([^*]+?)(?<!\s)\*(?![\w*])")]
    private static partial Regex Emphasis();
    [GeneratedRegex(@"[^\p{L}\p{Nd}]+")]
    private static partial Regex NotWord();
}
