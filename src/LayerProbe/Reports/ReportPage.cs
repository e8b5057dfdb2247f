namespace LayerProbe.Reports;

/// <summary>One block of a report page; <see cref="MarkdownReport"/> and <see cref="HtmlReport"/> render the same blocks.</summary>
public abstract record ReportBlock;

/// <summary>A heading (level 1 = page part, 2 = section, 3 = subsection).</summary>
public sealed record ReportHeading(int Level, string Text) : ReportBlock;

/// <summary>A paragraph of prose; may use <c>**bold**</c>, <c>*emphasis*</c> and <c>`code`</c>.</summary>
public sealed record ReportParagraph(string Text) : ReportBlock;

/// <summary>A table of numbers (Markdown pipe table, HTML table).</summary>
public sealed record ReportTable(ResultTable Table) : ReportBlock;

/// <summary>
/// A plot or image written beside the report: <paramref name="Stem"/> is its path relative to the report folder
/// without extension. Markdown links <c>{Stem}.png</c>; HTML inlines <c>{Stem}.svg</c> (or embeds the PNG when there
/// is no SVG), so the page needs no other file.
/// </summary>
public sealed record ReportFigure(string Stem, string Caption) : ReportBlock;

/// <summary>
/// A report page: a title and its blocks in reading order, built by sections and rendered to Markdown (README) and
/// to one self-contained HTML file.
/// </summary>
public sealed class ReportPage(string title)
{
    readonly List<ReportBlock> _blocks = [];

    /// <summary>Page title (Markdown <c>#</c> heading, HTML title and <c>h1</c>).</summary>
    public string Title { get; } = title;
    /// <summary>Blocks in reading order.</summary>
    public IReadOnlyList<ReportBlock> Blocks => _blocks;

    /// <summary>Appends a heading.</summary>
    public ReportPage Heading(int level, string text) => Add(new ReportHeading(level, text));
    /// <summary>Appends a paragraph (lines are joined; inline Markdown marks allowed).</summary>
    public ReportPage Paragraph(string text) => Add(new ReportParagraph(text.Trim()));
    /// <summary>Appends a table.</summary>
    public ReportPage Table(ResultTable table) => Add(new ReportTable(table));
    /// <summary>Appends a figure (path stem relative to the report folder).</summary>
    public ReportPage Figure(string stem, string caption) => Add(new ReportFigure(stem, caption));

    /// <summary>Appends blocks (e.g. a section built elsewhere).</summary>
    public ReportPage AddRange(IEnumerable<ReportBlock> blocks)
    {
        _blocks.AddRange(blocks);
        return this;
    }

    ReportPage Add(ReportBlock block)
    {
        _blocks.Add(block);
        return this;
    }
}
