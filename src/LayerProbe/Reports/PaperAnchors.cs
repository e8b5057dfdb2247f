namespace LayerProbe.Reports;

/// <summary>
/// Reference numbers of Agrawal, Girshick &amp; Malik (draft tables, METHOD.md §8.2) to print beside our results.
/// Numbers only; they describe CaffeNet on PASCAL VOC 2007, so other networks/datasets compare by trend, not value.
/// </summary>
public static class PaperAnchors
{
    /// <summary>Draft Table 9: PASCAL-CLS mAP (%) of every CaffeNet sub-layer (alex-net, unrolled features).</summary>
    public static IReadOnlyList<(string Layer, double MeanAp)> Table9 { get; } =
    [
        ("conv1", 22.0), ("relu1", 22.1), ("pool1", 25.1), ("norm1", 34.3),
        ("conv2", 42.1), ("relu2", 42.0), ("pool2", 44.9), ("norm2", 46.1),
        ("conv3", 50.3), ("relu3", 50.1), ("conv4", 54.2), ("relu4", 54.2),
        ("conv5", 62.3), ("pool5", 65.6), ("fc6", 72.1), ("relu6", 70.6),
        ("fc7", 74.7), ("relu7", 73.6), ("fc8", 73.4), ("prob", 68.1),
    ];

    /// <summary>Table 9 as a result table.</summary>
    public static ResultTable Table9AsTable() =>
        Table9.Aggregate(new ResultTable("Paper (draft Table 9): PASCAL-CLS mAP per CaffeNet sub-layer, alex-net", "layer", ["mAP"]),
            (t, row) => t.Add(row.Layer, [row.MeanAp]));
}
