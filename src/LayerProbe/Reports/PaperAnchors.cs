namespace LayerProbe.Reports;

/// <summary>
/// Reference numbers of Agrawal, Girshick &amp; Malik (draft tables, docs/method.md §8.2) to print beside our results.
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

    /// <summary>Snapshot iterations (thousands) of draft Table 4.</summary>
    public static IReadOnlyList<int> Table4Iterations { get; } = [5, 15, 25, 35, 45, 95, 105, 310];

    /// <summary>Draft Table 4: PASCAL-CLS mAP (%) per layer at each ImageNet training snapshot (alex-net run).</summary>
    public static IReadOnlyList<(string Layer, double[] MeanAp)> Table4 { get; } =
    [
        ("pool1", [23.0, 24.3, 24.4, 24.5, 24.6, 24.8, 24.7, 25.1]),
        ("pool2", [33.7, 40.4, 40.9, 41.8, 42.0, 43.2, 44.0, 45.0]),
        ("conv3", [34.2, 46.8, 47.0, 48.2, 48.5, 49.4, 51.6, 50.1]),
        ("conv4", [33.5, 49.0, 48.7, 50.2, 50.6, 51.6, 54.1, 54.2]),
        ("pool5", [33.0, 53.4, 55.0, 56.8, 57.4, 59.2, 63.5, 65.6]),
        ("relu6", [34.2, 59.7, 62.6, 62.7, 64.1, 65.6, 69.3, 70.6]),
        ("relu7", [30.9, 61.3, 64.1, 65.1, 65.8, 67.8, 71.8, 73.2]),
    ];

    /// <summary>Draft Table 4 as a result table.</summary>
    public static ResultTable Table4AsTable() =>
        Table4.Aggregate(new ResultTable("Paper (draft Table 4): PASCAL-CLS mAP (%) vs ImageNet training iterations, alex-net run", "layer",
            Table4Iterations.Select(k => $"{k}K").ToList()), (t, row) => t.Add(row.Layer, row.MeanAp.Select(v => (double?)v)));

    /// <summary>Draft §5.4 claim: every layer reaches this fraction of its final mAP by this many thousand iterations (of 310K).</summary>
    public static IReadOnlyList<(double Fraction, int ThousandIterations)> Table4Reach { get; } = [(0.8, 15), (0.9, 50)];

    /// <summary>
    /// Draft Tables 2 and 8 with Table 1's fc-tune column: PASCAL-DET-GT mAP (%) per layer for alex-net, FC-FT (conv
    /// layers frozen: identical to alex-net up to pool5; measured only at pool5/relu6/relu7) and FT (all layers).
    /// </summary>
    public static IReadOnlyList<(string Layer, double AlexNet, double? FcOnly, double Full)> Table2 { get; } =
    [
        ("pool1", 43.21, 43.21, 43.22), ("pool2", 67.10, 67.10, 67.70), ("conv3", 73.31, 73.31, 73.68),
        ("conv4", 75.47, 75.47, 77.82), ("pool5", 79.11, 79.1, 79.51), ("fc6", 79.44, 82.0, 82.32), ("fc7", 79.85, 83.4, 85.11),
    ];

    /// <summary>Draft Tables 1/2/8 as a result table with the change per layer.</summary>
    public static ResultTable Table2AsTable() =>
        Table2.Aggregate(new ResultTable("Paper (draft Tables 1, 2, 8): PASCAL-DET-GT mAP (%), alex-net vs FC-FT vs FT (relu6/relu7 = fc6/fc7 rows of T1)",
            "layer", ["alex-net", "fc-only FT", "full FT", "Δ fc-only", "Δ full"]) { Format = "F1" },
            (t, r) => t.Add(r.Layer, [r.AlexNet, r.FcOnly, r.Full, r.FcOnly - r.AlexNet, r.Full - r.AlexNet]));

    /// <summary>Draft Table 1: mAP (%) on PASCAL-CLS / DET-GT / DET of pool5, relu6, relu7 for alex-net, FC-FT, FT (null: not reported).</summary>
    public static IReadOnlyList<(string Layer, string Task, double? AlexNet, double? FcOnly, double? Full)> Table1 { get; } =
    [
        ("pool5", "CLS", 65.6, null, 64.6), ("pool5", "DET-GT", 79.1, 79.1, 79.5), ("pool5", "DET", 45.0, 45.0, 47.6),
        ("relu6", "CLS", 70.6, null, 71.7), ("relu6", "DET-GT", 79.4, 82.0, 82.3), ("relu6", "DET", null, 51.0, 53.1),
        ("relu7", "CLS", 73.6, null, 73.2), ("relu7", "DET-GT", 79.9, 83.4, 85.2), ("relu7", "DET", 45.5, 53.3, 54.1),
    ];

    /// <summary>Draft Table 1 as a result table.</summary>
    public static ResultTable Table1AsTable() =>
        Table1.Aggregate(new ResultTable("Paper (draft Table 1): effect of fine-tuning, mAP (%) on three VOC 2007 tasks", "layer / task",
            ["alex-net", "fc-only FT", "full FT"]), (t, r) => t.Add($"{r.Layer} {r.Task}", [r.AlexNet, r.FcOnly, r.Full]));

    /// <summary>Draft Table 5 (mAP, VOC 2007 detection): fine-tuning after 50K pre-training iterations ("50-50") vs after the full 310K.</summary>
    public static IReadOnlyList<(string Layer, double Short, double Full)> Table5 { get; } = [("pool5", 42.7, 47.6), ("relu7", 48.6, 54.1)];

    /// <summary>Draft Table 5 as a result table.</summary>
    public static ResultTable Table5AsTable() =>
        Table5.Aggregate(new ResultTable("Paper (draft Table 5): VOC 2007 detection mAP (%), fine-tuned from the 50K snapshot vs from the 310K network",
            "layer", ["50K + FT", "310K + FT", "Δ"]), (t, r) => t.Add(r.Layer, [r.Short, r.Full, r.Short - r.Full]));

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
    /// (sm-bn-lc = binarize+loc; crop-l's definition is unknown, docs/method.md §3).</summary>
    public static IReadOnlyList<(string Feature, double MeanAp)> Table6 { get; } =
    [
        ("sp-max", 25.4), ("sm-bn-lc", 31.2), ("crop-l", 40.4), ("binary", 45.7), ("pool5", 47.6),
    ];

    /// <summary>Table 6 (mAP column) as a result table.</summary>
    public static ResultTable Table6AsTable() =>
        Table6.Aggregate(new ResultTable("Paper (draft Table 6): PASCAL-DET mAP of fine-tuned CaffeNet pool5 per transform", "feature", ["mAP"]),
            (t, row) => t.Add(row.Feature, [row.MeanAp]));

    /// <summary>The VOC 2007 classes in the order of the paper's per-class detection tables (3, 5, 6).</summary>
    public static IReadOnlyList<string> DetectionClasses { get; } =
        ["aeroplane", "bicycle", "bird", "boat", "bottle", "bus", "car", "cat", "chair", "cow", "diningtable", "dog", "horse",
         "motorbike", "person", "pottedplant", "sheep", "sofa", "train", "tvmonitor"];

    /// <summary>
    /// Draft Table 3: VOC 2007 test detection AP (%) per class (<see cref="DetectionClasses"/> order) and mAP of l5, l6,
    /// l7 for alex-net (no fine-tuning), FT (all layers fine-tuned) and FC-FT (fc layers only). l5 of FC-FT is alex-net's
    /// l5 (its conv layers are not changed), and the draft gives no alex-net l6 row.
    /// </summary>
    public static IReadOnlyList<(string Feature, double[] ClassAp, double MeanAp)> Table3 { get; } =
    [
        ("l5", [51.9, 61.1, 36.8, 28.4, 23.7, 52.3, 60.8, 48.4, 24.9, 47.1, 47.5, 42.1, 55.6, 58.7, 42.5, 24.5, 46.9, 39.3, 52.0, 55.4], 45.0),
        ("l5-ft", [57.8, 63.9, 38.8, 28.0, 29.0, 54.8, 66.9, 51.3, 30.5, 52.1, 45.2, 43.2, 57.3, 58.8, 46.0, 27.2, 51.2, 39.3, 53.3, 56.6], 47.6),
        ("l6-ft", [63.5, 66.3, 48.7, 38.1, 30.6, 61.4, 70.9, 60.3, 34.8, 57.8, 47.6, 53.6, 59.8, 63.5, 52.5, 29.8, 54.6, 48.2, 58.5, 62.2], 53.1),
        ("l6-fc-ft", [61.4, 63.9, 44.2, 36.2, 29.0, 59.9, 66.0, 55.3, 31.1, 57.6, 49.5, 49.4, 59.4, 63.7, 50.8, 29.5, 54.1, 43.2, 57.4, 58.8], 51.0),
        ("l7", [57.6, 57.2, 41.4, 31.2, 25.6, 52.4, 58.8, 50.9, 25.2, 50.4, 42.7, 47.1, 52.2, 55.6, 44.5, 23.9, 48.0, 38.1, 51.5, 56.6], 45.5),
        ("l7-ft", [64.3, 69.6, 50.1, 41.8, 32.0, 62.6, 71.0, 60.6, 32.8, 58.5, 46.4, 56.0, 60.0, 66.9, 54.2, 31.5, 52.7, 48.8, 57.7, 64.7], 54.1),
        ("l7-fc-ft", [62.9, 65.2, 47.5, 39.0, 30.3, 63.1, 68.4, 59.7, 34.2, 58.5, 52.0, 53.8, 60.7, 65.3, 53.0, 30.2, 55.5, 46.3, 57.7, 62.2], 53.3),
    ];

    /// <summary>Draft Table 5 per class: detection AP (%) after fine-tuning from the 50K-iteration snapshot ("50-50");
    /// the full network's rows are Table 3's l5-ft and l7-ft.</summary>
    public static IReadOnlyList<(string Feature, double[] ClassAp, double MeanAp)> Table5PerClass { get; } =
    [
        ("l5 (50-50)", [55.2, 58.4, 31.0, 28.8, 21.0, 53.5, 63.6, 41.0, 25.4, 44.7, 40.9, 34.9, 49.5, 56.9, 43.8, 25.2, 45.3, 31.2, 48.7, 54.4], 42.7),
        ("l7 (50-50)", [58.7, 64.8, 38.2, 34.9, 25.9, 59.5, 69.5, 46.2, 28.7, 52.4, 45.2, 44.3, 57.3, 63.4, 52.4, 28.0, 51.5, 34.9, 56.0, 59.4], 48.6),
    ];

    /// <summary>Draft Table 6 per class: detection AP (%) of the fine-tuned network's pool5 under each transform
    /// (sm-bn-lc = binarize+loc; pool5 itself is Table 3's l5-ft row).</summary>
    public static IReadOnlyList<(string Feature, double[] ClassAp, double MeanAp)> Table6PerClass { get; } =
    [
        ("sp-max", [35.0, 38.7, 17.3, 16.9, 13.9, 38.4, 45.6, 29.2, 11.0, 20.2, 21.0, 23.5, 27.2, 37.0, 20.5, 7.0, 30.3, 13.4, 28.3, 32.9], 25.4),
        ("sm-bn-lc", [49.1, 48.0, 19.0, 15.2, 12.9, 44.7, 57.0, 32.8, 11.9, 32.5, 19.0, 25.0, 37.5, 41.6, 34.8, 15.6, 34.1, 13.0, 35.7, 44.9], 31.2),
        ("crop-l", [48.2, 59.8, 32.2, 20.0, 24.6, 46.2, 61.2, 41.6, 20.6, 46.3, 32.9, 38.6, 49.9, 53.1, 41.8, 25.1, 45.0, 23.8, 46.2, 51.7], 40.4),
        ("binary", [57.9, 61.3, 32.6, 24.7, 27.5, 55.0, 64.7, 49.8, 25.3, 47.4, 44.5, 40.3, 54.6, 56.4, 43.6, 27.1, 48.4, 41.6, 54.3, 57.6], 45.7),
    ];

    /// <summary>A per-class detection table of the draft (<see cref="Table3"/>, <see cref="Table5PerClass"/>,
    /// <see cref="Table6PerClass"/>) as a result table: one row per feature, a column per class and the mAP.</summary>
    public static ResultTable PerClassDetectionTable(string title, IReadOnlyList<(string Feature, double[] ClassAp, double MeanAp)> rows) =>
        rows.Aggregate(new ResultTable(title, "feature", [.. DetectionClasses, "mAP"]) { Format = "F1" },
            (t, r) => t.Add(r.Feature, [.. r.ClassAp.Select(v => (double?)v), r.MeanAp]));

    /// <summary>Draft Table 8: PASCAL-DET-GT AP (%, the draft gives fractions) of alex-net and the fine-tuned CaffeNet,
    /// unrolled and after sp-max (null: not reported; fc layers have no spatial extent).</summary>
    public static IReadOnlyList<(string Layer, double?[] MeanAp)> Table8 { get; } =
    [
        ("pool1", [43.21, 43.22, 13.74, 13.46]),
        ("pool2", [67.10, 67.70, 51.12, 51.24]),
        ("conv3", [73.31, 73.68, 63.41, 63.91]),
        ("conv4", [75.47, 77.82, 66.58, 68.89]),
        ("pool5", [79.11, 79.51, 68.76, 74.29]),
        ("fc6", [79.44, 82.32, null, null]),
        ("fc7", [79.85, 85.11, null, null]),
    ];

    /// <summary>Table 8 as a result table.</summary>
    public static ResultTable Table8AsTable() =>
        Table8.Aggregate(new ResultTable("Paper (draft Table 8): PASCAL-DET-GT mAP (%), alex-net vs FT, unrolled and sp-max", "layer",
            ["alex-net", "FT", "alex-net sp-max", "FT sp-max"]) { Format = "F2" }, (t, row) => t.Add(row.Layer, row.MeanAp));
}
