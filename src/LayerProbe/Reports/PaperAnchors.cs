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

    /// <summary>Transform columns of draft Table 7, in the paper's order.</summary>
    public static IReadOnlyList<string> Table7Transforms { get; } = ["unroll", "sp-shuffle", "sp-max", "binarize", "binarize+loc"];

    /// <summary>Draft Table 7: PASCAL-CLS mAP (%) of CaffeNet layers (alex-net) under each feature transform; null = dash
    /// in the draft (binarize+loc was not run for CLS; fc layers have no spatial transforms).</summary>
    public static IReadOnlyList<(string Layer, double?[] MeanAp)> Table7 { get; } =
    [
        ("pool1", [25.1, 15.0, 19.5, 25.4, null]),
        ("pool2", [44.9, 33.5, 40.2, 43.0, null]),
        ("conv3", [50.1, 40.4, 54.2, 47.0, null]),
        ("conv4", [54.2, 45.3, 57.0, 51.3, null]),
        ("pool5", [65.6, 59.6, 62.6, 60.5, null]),
        ("relu6", [70.6, null, null, 71.4, null]),
        ("relu7", [73.6, null, null, 74.1, null]),
    ];

    /// <summary>Table 7 as a result table.</summary>
    public static ResultTable Table7AsTable() =>
        Table7.Aggregate(new ResultTable("Paper (draft Table 7): PASCAL-CLS mAP per CaffeNet layer and feature transform, alex-net",
            "layer", Table7Transforms), (t, row) => t.Add(row.Layer, row.MeanAp));

    /// <summary>Draft Table 6: PASCAL-DET mAP (%) of the fine-tuned CaffeNet's pool5 under each transform
    /// (sm-bn-lc = binarize+loc; crop-l's definition is unknown, METHOD.md §3).</summary>
    public static IReadOnlyList<(string Feature, double MeanAp)> Table6 { get; } =
    [
        ("sp-max", 25.4), ("sm-bn-lc", 31.2), ("crop-l", 40.4), ("binary", 45.7), ("pool5", 47.6),
    ];

    /// <summary>Table 6 (mAP column) as a result table.</summary>
    public static ResultTable Table6AsTable() =>
        Table6.Aggregate(new ResultTable("Paper (draft Table 6): PASCAL-DET mAP of fine-tuned CaffeNet pool5 per transform", "feature", ["mAP"]),
            (t, row) => t.Add(row.Feature, [row.MeanAp]));
}
