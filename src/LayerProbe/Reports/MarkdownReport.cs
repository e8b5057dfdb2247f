using System.Text;

namespace LayerProbe.Reports;

/// <summary>Renders report blocks as Markdown (the README of a report folder); tables through <see cref="TableWriters.Markdown"/>.</summary>
public static class MarkdownReport
{
    /// <summary>The page: its title as a level-1 heading, then its blocks.</summary>
    public static string Render(ReportPage page) => $"# {page.Title}\n\n{Render(page.Blocks)}";

    /// <summary>The blocks alone, each followed by a blank line.</summary>
    public static string Render(IEnumerable<ReportBlock> blocks)
    {
        var sb = new StringBuilder();
        foreach (var block in blocks)
        {
            switch (block)
            {
                case ReportHeading h: sb.Append('#', h.Level).Append(' ').AppendLine(h.Text).AppendLine(); break;
                case ReportParagraph p: sb.AppendLine(p.Text).AppendLine(); break;
                case ReportTable t: sb.AppendLine(TableWriters.Markdown(t.Table)); break;
                case ReportFigure f: sb.AppendLine($"![{f.Caption}]({f.Stem}.png)").AppendLine(); break;
                default: throw new ArgumentException($"unknown report block {block.GetType().Name}");
            }
        }
        return sb.ToString();
    }
}
