using LayerProbe.Reports;
using Xunit;

namespace LayerProbe.Tests.Reports;

/// <summary>The transcribed per-class detection rows of the draft agree with the draft's own mAP column and with the
/// mAP-only tables, so a typo in one number shows.</summary>
public class PaperAnchorTests
{
    public static TheoryData<string> Tables => new() { "3", "5", "6" };

    static IReadOnlyList<(string Feature, double[] ClassAp, double MeanAp)> Rows(string table) => table switch
    {
        "3" => PaperAnchors.Table3, "5" => PaperAnchors.Table5PerClass, _ => PaperAnchors.Table6PerClass,
    };

    [Theory, MemberData(nameof(Tables))]
    public void Per_class_rows_average_to_the_printed_mAP(string table)
    {
        foreach (var (feature, ap, mean) in Rows(table))
        {
            Assert.Equal(PaperAnchors.DetectionClasses.Count, ap.Length);
            Assert.True(Math.Abs(ap.Average() - mean) <= 0.051, $"Table {table} {feature}: classes average {ap.Average():F3}, printed {mean}");
        }
    }

    [Fact]
    public void Per_class_tables_agree_with_the_mAP_tables()
    {
        var t3 = PaperAnchors.Table3.ToDictionary(r => r.Feature, r => r.MeanAp);
        Assert.Equal(PaperAnchors.Table1.Single(r => r is { Layer: "pool5", Task: "DET" }).Full, t3["l5-ft"]);
        Assert.Equal(PaperAnchors.Table1.Single(r => r is { Layer: "relu7", Task: "DET" }).AlexNet, t3["l7"]);
        Assert.Equal(PaperAnchors.Table5.Single(r => r.Layer == "relu7").Short, PaperAnchors.Table5PerClass.Single(r => r.Feature == "l7 (50-50)").MeanAp);
        Assert.Equal(PaperAnchors.Table6.Single(r => r.Feature == "binary").MeanAp, PaperAnchors.Table6PerClass.Single(r => r.Feature == "binary").MeanAp);
        var table = PaperAnchors.PerClassDetectionTable("t", PaperAnchors.Table3);
        Assert.Equal(PaperAnchors.Table3.Count, table.Rows.Count);
    }
}
