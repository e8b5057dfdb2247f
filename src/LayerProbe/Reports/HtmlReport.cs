using System.Text;

namespace LayerProbe.Reports;

/// <summary>
/// Renders a <see cref="ReportPage"/> as one self-contained HTML5 file, <c>report.html</c>: the same blocks as the
/// Markdown README (tables from the same <see cref="ResultTable"/>s through <see cref="TableWriters.Html"/>), plots
/// inlined as SVG, a table of contents, and a provenance section from the run's <see cref="Manifest"/>. The page loads
/// nothing else: no external style sheet, script, font or image.
/// </summary>
public static class HtmlReport
{
    /// <summary>File name of the page in a report folder.</summary>
    public const string FileName = "report.html";

    /// <summary>Writes <c>report.html</c> into <paramref name="directory"/> (figures are read from there) atomically;
    /// returns its file name.</summary>
    public static string Write(ReportPage page, string directory, Manifest? manifest = null)
    {
        AtomicFile.WriteText(Path.Combine(directory, FileName), Render(page, directory, manifest));
        return FileName;
    }

    /// <summary>The page as HTML; <paramref name="directory"/> is where the figures' files are.</summary>
    public static string Render(ReportPage page, string directory, Manifest? manifest = null)
    {
        var ids = new HashSet<string> { "main", "contents" };
        string Id(string text)
        {
            string slug = HtmlText.Slug(text), id = slug;
            for (int n = 2; !ids.Add(id); n++) id = $"{slug}-{n}";
            return id;
        }

        var headings = page.Blocks.OfType<ReportHeading>().Select(h => (Heading: h, Id: Id(h.Text))).ToList();
        string provenanceId = Id("provenance");
        var body = new StringBuilder();
        int figures = 0, tables = 0, heading = 0;
        bool inSection = false;
        foreach (var block in page.Blocks)
        {
            switch (block)
            {
                case ReportHeading h:
                    string id = headings[heading++].Id;
                    if (h.Level <= 2)
                    {
                        if (inSection) body.AppendLine("</section>");
                        body.AppendLine($"<section aria-labelledby=\"{id}\">");
                        inSection = true;
                    }
                    int level = Math.Min(6, h.Level + 1); // the page title is the one h1
                    body.AppendLine($"<h{level} id=\"{id}\">{HtmlText.Inline(h.Text)}</h{level}>");
                    break;
                case ReportParagraph p:
                    body.AppendLine($"<p>{HtmlText.Inline(string.Join(' ', p.Text.Split('\n', StringSplitOptions.TrimEntries)))}</p>");
                    break;
                case ReportTable t:
                    body.Append(TableWriters.Html(t.Table, $"table-{++tables}"));
                    break;
                case ReportFigure f:
                    body.Append(Figure(f, directory, $"fig{++figures}-"));
                    break;
                default: throw new ArgumentException($"unknown report block {block.GetType().Name}");
            }
        }
        if (inSection) body.AppendLine("</section>");
        if (manifest is not null) body.Append(HtmlProvenance.Section(manifest, provenanceId));

        var html = new StringBuilder();
        html.AppendLine("<!DOCTYPE html>");
        html.AppendLine("<html lang=\"en\">");
        html.AppendLine("<head>");
        html.AppendLine("<meta charset=\"utf-8\">");
        html.AppendLine("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
        html.AppendLine($"<meta name=\"generator\" content=\"LayerProbe {HtmlText.Attribute(Manifest.ToolVersion)}\">");
        html.AppendLine($"<title>{HtmlText.Escape(page.Title)}</title>");
        html.AppendLine($"<style>\n{HtmlStyle.Css}\n</style>");
        html.AppendLine("</head>");
        html.AppendLine("<body>");
        html.AppendLine("<a class=\"skip\" href=\"#main\">Skip to the report</a>");
        html.AppendLine("<div class=\"page\">");
        html.AppendLine("<header>");
        html.AppendLine($"<h1>{HtmlText.Inline(page.Title)}</h1>");
        if (manifest is not null)
            html.AppendLine($"<p class=\"lead\">{HtmlText.Escape(manifest.Task)} · written {manifest.CreatedUtc:yyyy-MM-dd HH:mm} UTC · LayerProbe {HtmlText.Escape(ShortVersion(manifest.Tool))}</p>");
        html.AppendLine("</header>");
        html.Append(Contents(headings, manifest is null ? null : provenanceId));
        html.AppendLine("<main id=\"main\">");
        html.Append(body);
        html.AppendLine("</main>");
        html.AppendLine("<footer>Agrawal, Girshick &amp; Malik, <em>Analyzing the Performance of Multilayer Neural Networks for Object Recognition</em>, ECCV 2014 — reproduced with LayerProbe. This page is self-contained: tables, plots and provenance are in this one file; the Markdown, CSV and JSON beside it hold the same numbers.</footer>");
        html.AppendLine("</div>");
        html.AppendLine("</body>");
        html.AppendLine("</html>");
        return html.ToString();
    }

    /// <summary>The table of contents: the top heading level numbered, the next level nested under it.</summary>
    static string Contents(IReadOnlyList<(ReportHeading Heading, string Id)> headings, string? provenanceId)
    {
        int top = headings.Count == 0 ? 1 : headings.Min(h => h.Heading.Level);
        var entries = headings.Where(h => h.Heading.Level <= top + 1).ToList();
        if (entries.Count + (provenanceId is null ? 0 : 1) < 2) return "";
        var sb = new StringBuilder();
        sb.AppendLine("<nav class=\"toc\" aria-labelledby=\"contents\">");
        sb.AppendLine("<h2 id=\"contents\">Contents</h2>");
        sb.AppendLine("<ol>");
        bool open = false, nested = false;
        foreach (var (h, id) in entries)
        {
            string link = $"<a href=\"#{id}\">{HtmlText.Inline(h.Text)}</a>";
            if (h.Level > top && open)
            {
                if (!nested) { sb.AppendLine("<ul>"); nested = true; }
                sb.AppendLine($"<li>{link}</li>");
                continue;
            }
            if (nested) { sb.AppendLine("</ul>"); nested = false; }
            if (open) sb.AppendLine("</li>");
            sb.Append($"<li>{link}");
            open = true;
        }
        if (nested) sb.AppendLine("</ul>");
        if (open) sb.AppendLine("</li>");
        if (provenanceId is not null) sb.AppendLine($"<li><a href=\"#{provenanceId}\">Provenance</a></li>");
        sb.AppendLine("</ol>");
        sb.AppendLine("</nav>");
        return sb.ToString();
    }

    /// <summary>"1.0.0+9a8f07104e49…" as "1.0.0+9a8f07104e49" (the full revision is in the provenance section).</summary>
    static string ShortVersion(string version) =>
        version.IndexOf('+') is int plus and >= 0 && version.Length > plus + 13 ? version[..(plus + 13)] : version;

    /// <summary>The figure with its SVG inlined, or its PNG embedded as a data URI when it has no SVG.</summary>
    static string Figure(ReportFigure figure, string directory, string idPrefix)
    {
        string stem = Path.Combine(directory, figure.Stem);
        string image;
        if (File.Exists(stem + ".svg")) image = InlineSvg.Read(stem + ".svg", idPrefix, figure.Caption);
        else if (File.Exists(stem + ".png"))
            image = $"<img src=\"data:image/png;base64,{Convert.ToBase64String(File.ReadAllBytes(stem + ".png"))}\" alt=\"{HtmlText.Attribute(figure.Caption)}\">";
        else throw LayerProbeException.For(stem + ".svg", "the report's figure is missing");
        return $"<figure class=\"plot\">\n{image}\n<figcaption>{HtmlText.Inline(figure.Caption)}</figcaption>\n</figure>\n";
    }
}
