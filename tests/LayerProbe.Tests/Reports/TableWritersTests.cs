using LayerProbe.Reports;

namespace LayerProbe.Tests.Reports;

public class TableWritersTests
{
    static ResultTable Sample() => new ResultTable("CLS mAP", "layer", ["aeroplane", "mAP"])
        .Add("pool5", [65.64, 60.04])
        .Add("fc\"6,x", [null, double.NaN]);

    [Fact]
    public void Markdown_prints_dashes_for_missing_cells_and_one_decimal()
    {
        var md = TableWriters.Markdown(Sample());
        Assert.Contains("| layer | aeroplane | mAP |", md);
        Assert.Contains("| pool5 | 65.6 | 60.0 |", md);
        Assert.Contains("| – | – |", md);
    }

    [Fact]
    public void Csv_quotes_per_rfc4180_and_keeps_full_precision()
    {
        var lines = TableWriters.Csv(Sample()).TrimEnd().Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        Assert.Equal("layer,aeroplane,mAP", lines[0]);
        Assert.Equal("pool5,65.64,60.04", lines[1]);
        Assert.Equal("\"fc\"\"6,x\",,", lines[2]);
    }

    [Fact]
    public void Rows_must_match_the_columns()
    {
        Assert.Throws<ArgumentException>(() => Sample().Add("x", [1.0]));
    }
}
