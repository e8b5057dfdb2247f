using System.Text.RegularExpressions;
using LayerProbe.Reports;

namespace LayerProbe.Tests.Reports;

/// <summary>The report page: the same cells as the Markdown, self-contained, well-formed links, the rough edges stated.</summary>
public partial class HtmlReportTests
{
    [Fact]
    public void Whole_number_columns_print_as_integers_and_the_others_keep_their_decimals()
    {
        // The grandmother table's shape: AP in %, counts, a filter index.
        var table = new ResultTable("Filters needed", "class", ["AP all (%)", "k50", "k90", "best filter"])
            .Add("bicycle", [71.24, 2.0, 9.0, 88.0])
            .Add("car", [60.0, 1.0, null, 7.0]);
        var md = TableWriters.Markdown(table);
        Assert.Contains("| bicycle | 71.2 | 2 | 9 | 88 |", md);
        Assert.Contains("| car | 60.0 | 1 | – | 7 |", md);   // 60.0 stays an AP: its column is not whole
        Assert.DoesNotContain("88.0", TableWriters.Html(table, "t"));
    }

    [Fact]
    public void Html_and_Markdown_print_the_same_cells_from_one_table()
    {
        var table = LayerwiseReport.ElevenPointTable("t", ReportSamples.Results());
        var mdCells = TableWriters.Markdown(table).Split('\n').Where(l => l.StartsWith("| pool5") || l.StartsWith("| relu7"))
            .SelectMany(l => l.Trim().Trim('|').Split('|').Skip(1).Select(c => c.Trim())).ToList();
        var htmlCells = Cell().Matches(TableWriters.Html(table, "t")).Select(m => Regex.Replace(m.Groups[1].Value, "<[^>]+>", "")).ToList();
        Assert.Equal(mdCells, htmlCells);
        Assert.Equal(["62.5", "70.2", "–", "66.4"], htmlCells.Take(4));
    }

    [Fact]
    public void Classes_without_positives_and_a_C_at_the_grid_edge_are_stated_with_the_table_and_the_plot()
    {
        var results = ReportSamples.Results();
        string skipped = LayerwiseReport.SkippedClassesNote(results)!;
        Assert.Contains("1 of 3 classes", skipped);
        Assert.Contains("bird", skipped);
        Assert.Contains("other 2", skipped);
        string edge = LayerwiseReport.GridEdgeNote(results)!;
        Assert.Contains("relu7 (C = 0.1, the largest)", edge);
        Assert.DoesNotContain("pool5", edge);
        Assert.Null(LayerwiseReport.GridEdgeNote([ReportSamples.Layer("fc6", [50, 50, 50], 1e-3)]));
        Assert.Null(LayerwiseReport.SkippedClassesNote([ReportSamples.Layer("fc6", [50, 50, 50], 1e-3)]));

        string dir = Directory.CreateTempSubdirectory("report-notes").FullName;
        try
        {
            LayerwiseReport.Write(dir, "probe", "t", results, "mAP per layer: caffenet.onnx on voc/test/images");
            Assert.Contains(skipped, File.ReadAllText(Path.Combine(dir, "probe.md")));
            Assert.Contains(edge, File.ReadAllText(Path.Combine(dir, "probe.md")));
            var back = TableWriters.ReadJson(Path.Combine(dir, "probe.json"));
            Assert.Equal([skipped, edge], back.Notes);
            Assert.Equal(TableWriters.Markdown(LayerwiseReport.ElevenPointTable("t", results)), TableWriters.Markdown(back));
            string svg = File.ReadAllText(Path.Combine(dir, "probe-map.svg"));
            Assert.Contains("caffenet.onnx on voc/test/images", svg);
            Assert.Contains("bird", svg);   // the plot says which class is left out
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void The_paper_comparison_pairs_layers_by_name_and_gives_the_difference()
    {
        var ours = new ResultTable("ours", "layer", ["mAP"]).Add("pool5", [60.6]).Add("relu3", [52.1]).Add("res4b", [40.0]);
        var beside = PaperComparison.Beside("vs Table 4", ours, PaperAnchors.Table4AsTable(), [("mAP", "310K")]);
        Assert.Equal(["pool5", "relu3 (paper: conv3)"], beside.Rows.Select(r => r.Label));
        Assert.Equal(60.6 - 65.6, beside.Rows[0].Values[2]!.Value, 9);
        Assert.Equal(50.1, beside.Rows[1].Values[1]);
        Assert.Contains(beside.Notes, n => n.Contains("res4b"));
    }

    [Fact]
    public void The_page_is_self_contained_with_unique_ids_and_working_anchors()
    {
        string dir = Directory.CreateTempSubdirectory("report-page").FullName;
        try
        {
            string html = File.ReadAllText(ReportSamples.WriteProbeReport(dir));
            Assert.StartsWith("<!DOCTYPE html>\n<html lang=\"en\">", html.Replace("\r", ""));
            Assert.Single(Regex.Matches(html, "<h1[ >]"));
            Assert.DoesNotContain("<script", html);
            Assert.DoesNotContain("<link", html);
            Assert.DoesNotContain("<img src=\"", html.Replace("<img src=\"data:", ""));
            foreach (Match reference in Reference().Matches(html))
                Assert.True(reference.Groups[2].Value.StartsWith('#') || reference.Groups[2].Value.StartsWith("data:"), reference.Value);
            var ids = Id().Matches(html).Select(m => m.Groups[1].Value).ToList();
            Assert.Equal(ids.Count, ids.Distinct().Count());
            foreach (Match link in Reference().Matches(html).Where(m => m.Groups[2].Value.StartsWith('#')))
                Assert.Contains(link.Groups[2].Value[1..], ids);
            foreach (Match url in Regex.Matches(html, @"url\(#([^)]+)\)")) Assert.Contains(url.Groups[1].Value, ids);
            foreach (Match table in Regex.Matches(html, @"<table[^>]*aria-labelledby=""([^""]+)"""))
                Assert.Contains($"<figcaption id=\"{table.Groups[1].Value}\">", html);
            Assert.Equal(Regex.Matches(html, "<table").Count, Regex.Matches(html, @"<table[^>]*aria-labelledby=").Count);
            Assert.Contains("<svg", html);
            Assert.Contains("role=\"img\"", html);
            // Provenance from the manifest: the input's hash, a setting, the measurements, the outputs with hashes.
            Assert.Contains("sha256:" + new string('a', 64), html);
            Assert.Contains("peak_rss_mib", html);
            Assert.Contains("probe.csv", html);
            // The skipped class and the grid-edge C are on the page too.
            Assert.Contains("bird", html);
            Assert.Contains("edge of its grid", html);
            // The manifest lists the page it is shown on.
            Assert.Contains("\"report.html\"", File.ReadAllText(Path.Combine(dir, "manifest.json")));
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void Two_copies_of_one_plot_on_a_page_keep_distinct_ids()
    {
        string dir = Directory.CreateTempSubdirectory("report-svg").FullName;
        try
        {
            Plots.Bars("a", "y", ["x1", "x2"], [1, 2], Path.Combine(dir, "p"));
            var page = new ReportPage("two").Figure("p", "first").Figure("p", "second");
            string html = HtmlReport.Render(page, dir);
            var ids = Id().Matches(html).Select(m => m.Groups[1].Value).ToList();
            Assert.Equal(ids.Count, ids.Distinct().Count());
            Assert.Equal(2, Regex.Matches(html, "<svg").Count);
            Assert.DoesNotContain("<?xml", html);
            Assert.Throws<LayerProbeException>(() => HtmlReport.Render(new ReportPage("x").Figure("missing", "m"), dir));
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void Inline_marks_are_escaped_then_rendered()
    {
        Assert.Equal("<strong>a &lt;b&gt;</strong> <code>x*y*</code> <em>note</em> 2 * 3",
            HtmlText.Inline("**a <b>** `x*y*` *note* 2 * 3"));
    }

    [GeneratedRegex(@"<td class=""num[^""]*"">(.*?)</td>")]
    private static partial Regex Cell();
    [GeneratedRegex(@"\s(href|src|xlink:href)=""([^""]*)""")]
    private static partial Regex Reference();
    [GeneratedRegex(@"\sid=""([^""]+)""")]
    private static partial Regex Id();
}
