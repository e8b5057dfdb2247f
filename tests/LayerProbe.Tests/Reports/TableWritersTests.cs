using LayerProbe.Reports;

namespace LayerProbe.Tests.Reports;

public class TableWritersTests
{
    static ResultTable Sample() => new ResultTable("CLS mAP", "layer", ["aeroplane", "mAP"])
        .Add("pool5", [65.64, 60.0])
        .Add("fc\"6,x", [null, double.NaN]);

    [Fact]
    public void Markdown_prints_dashes_for_missing_cells_and_one_decimal()
    {
        var md = TableWriters.Markdown(Sample());
        Assert.Contains("| layer | aeroplane | mAP |", md);
        Assert.Contains("| pool5 | 65.6 | 60.0 |", md);
        Assert.Contains("| – | NaN |", md); // missing vs NaN by definition
    }

    [Fact]
    public void Csv_quotes_per_rfc4180_and_keeps_full_precision()
    {
        var lines = TableWriters.Csv(Sample()).TrimEnd().Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        Assert.Equal("layer,aeroplane,mAP", lines[0]);
        Assert.Equal("pool5,65.64,60", lines[1]);
        Assert.Equal("\"fc\"\"6,x\",,NaN", lines[2]);
    }

    [Fact]
    public void Json_writes_null_for_missing_and_the_string_NaN_for_NaN_cells_and_the_notes()
    {
        var table = Sample();
        table.Notes.Add("fc\"6,x: mAP over 0 classes");
        using var json = System.Text.Json.JsonDocument.Parse(TableWriters.Json(table));
        var values = json.RootElement.GetProperty("rows")[1].GetProperty("values");
        Assert.Equal(System.Text.Json.JsonValueKind.Null, values[0].ValueKind);
        Assert.Equal("NaN", values[1].GetString());
        Assert.Equal(65.64, json.RootElement.GetProperty("rows")[0].GetProperty("values")[0].GetDouble());
        Assert.Equal("fc\"6,x: mAP over 0 classes", json.RootElement.GetProperty("notes")[0].GetString());
        Assert.Contains("Note: fc\"6,x: mAP over 0 classes", TableWriters.Markdown(table));
    }

    [Fact]
    public void Rows_must_match_the_columns()
    {
        Assert.Throws<ArgumentException>(() => Sample().Add("x", [1.0]));
    }
}
