using LayerProbe.Data;
using LayerProbe.Probes;
using LayerProbe.Regions;

namespace LayerProbe.Detection;

/// <summary>One class's box regressor: the target whitening and β ((d+1)×4 row-major, the last row the bias).</summary>
/// <param name="Pairs">Training pairs it was fitted on.</param>
/// <param name="Whitening">The centring and whitening of its targets.</param>
/// <param name="Beta">Ridge coefficients on the scaled, bias-augmented features.</param>
public sealed record BoxRegressor(int Pairs, TargetWhitening Whitening, double[] Beta);

/// <summary>
/// R-CNN's class-specific bounding-box regressors (docs/method.md §6.6): per class a ridge regression (λ = 1000, bias
/// regularised, Cholesky) from <b>pool5</b> features scaled as §6.3 to the whitened targets of <see cref="BoxTargets"/>,
/// trained on the pairs of <see cref="BoxRegressionPairs"/>; at test time every scored box is moved by its class's
/// regressor and clipped to the image (<see cref="Regress"/>) before suppression. A class without pairs has no
/// regressor (null): its boxes are only clipped. Training streams the pairs' feature rows a block at a time into one
/// class's normal equations at a time ((d+1)² doubles), so RAM does not grow with the number of regions.
/// </summary>
public sealed class BoxRegressors
{
    /// <summary>Regressors as trained or loaded; <paramref name="layer"/> names the feature they read ("" when unknown).</summary>
    public BoxRegressors(IReadOnlyList<string> classes, IReadOnlyList<BoxRegressor?> models, int dimensions, FeatureScaling scaling, BoxRegressionSettings settings,
        string layer = "")
    {
        if (classes.Count != models.Count) throw new ArgumentException($"{classes.Count} classes but {models.Count} models");
        foreach (var m in models)
            if (m is not null && m.Beta.Length != (dimensions + 1) * BoxTargets.Count) throw new ArgumentException($"β of {m.Beta.Length} values for {dimensions} dimensions");
        (Classes, Models, Dimensions, Scaling, Settings, Layer) = (classes, models, dimensions, scaling, settings, layer);
    }

    /// <summary>The layer (feature) whose rows the regressors read, e.g. pool5; "" when not recorded.</summary>
    public string Layer { get; }

    /// <summary>Class names (devkit order).</summary>
    public IReadOnlyList<string> Classes { get; }
    /// <summary>The regressor of each class, or null for a class that had no training pairs.</summary>
    public IReadOnlyList<BoxRegressor?> Models { get; }
    /// <summary>pool5 dimensions the regressors read.</summary>
    public int Dimensions { get; }
    /// <summary>The pool5 feature scaling applied to training and test rows.</summary>
    public FeatureScaling Scaling { get; }
    /// <summary>The settings they were trained with.</summary>
    public BoxRegressionSettings Settings { get; }

    /// <summary>
    /// Trains the regressors of every class of <paramref name="regions"/>: pairs from its region table, features from
    /// <paramref name="pool5"/> (one row per region, in item order), scaled by <paramref name="scaling"/> (R-CNN: the
    /// §6.3 factor of the pool5 features themselves).
    /// </summary>
    public static BoxRegressors Train(VocRegions regions, RegionTableRows table, IFeatureRows pool5, FeatureScaling scaling,
        BoxRegressionSettings? settings = null, TextWriter? log = null, string layer = "")
    {
        settings ??= BoxRegressionSettings.Rcnn;
        settings.Validate();
        if (pool5.Count != regions.Count) throw new LayerProbeException($"box regression: {pool5.Count} feature rows for {regions.Count} regions (features of another split or proposals store?)");
        var pairs = BoxRegressionPairs.Select(regions, table, settings.MinOverlap);
        return Train(pairs, regions.Classes, pool5, scaling, settings, log, layer);
    }

    /// <summary>Trains one regressor per class from given <paramref name="pairs"/> (rows index <paramref name="pool5"/>).</summary>
    public static BoxRegressors Train(BoxRegressionPairs pairs, IReadOnlyList<string> classes, IFeatureRows pool5, FeatureScaling scaling,
        BoxRegressionSettings? settings = null, TextWriter? log = null, string layer = "")
    {
        settings ??= BoxRegressionSettings.Rcnn;
        settings.Validate();
        if (pairs.Classes != classes.Count) throw new ArgumentException($"{pairs.Classes} classes of pairs for {classes.Count} class names");
        int d = pool5.Dimensions, k = BoxTargets.Count;
        long total = Enumerable.Range(0, classes.Count).Sum(c => (long)pairs.Count(c));
        var progress = new Progress("box regression (pairs)", total, log);
        var models = new BoxRegressor?[classes.Count];
        float factor = (float)scaling.Factor;
        var x = new double[settings.BlockRows * (d + 1)];
        var y = new double[settings.BlockRows * k];
        long done = 0;
        for (int c = 0; c < classes.Count; c++)
        {
            var rows = pairs.Rows(c);
            if (rows.Count == 0)
            {
                log?.WriteLine($"box regression: class {classes[c]} has no training pairs (IoU > {settings.MinOverlap}); its boxes are not regressed");
                continue;
            }
            var whitening = TargetWhitening.Fit(pairs.Targets(c), k, settings.WhiteningRidge);
            using var ridge = new RidgeRegression(d, k);
            for (int start = 0; start < rows.Count; start += settings.BlockRows)
            {
                int n = Math.Min(settings.BlockRows, rows.Count - start);
                for (int q = 0; q < n; q++)
                {
                    var row = pool5.Row(rows[start + q]);
                    var dst = x.AsSpan(q * (d + 1), d + 1);
                    for (int j = 0; j < d; j++) dst[j] = row[j] * factor;
                    dst[d] = 1;
                    whitening.Whiten(pairs.Targets(c).Slice((start + q) * k, k), y.AsSpan(q * k, k));
                }
                ridge.Add(x, y, n);
                progress.Report(done += n);
            }
            var beta = ridge.Solve(settings.Lambda);
            if (!beta.All(double.IsFinite)) throw new LayerProbeException($"box regression: class {classes[c]}: the solution is not finite (non-finite features?)");
            models[c] = new BoxRegressor(rows.Count, whitening, beta);
        }
        progress.Report(total);
        return new BoxRegressors(classes, models, d, scaling, settings, layer);
    }

    /// <summary>The box class <paramref name="cls"/>'s regressor makes of <paramref name="box"/> from its pool5 row (not clipped; unchanged without a regressor).</summary>
    public PixelBox Predict(in PixelBox box, ReadOnlySpan<float> pool5Row, int cls)
    {
        if (Models[cls] is not { } m) return box;
        if (pool5Row.Length != Dimensions) throw new ArgumentException($"pool5 row of {pool5Row.Length} values for regressors of {Dimensions}");
        const int k = BoxTargets.Count;
        Span<double> p = stackalloc double[k];
        Span<double> t = stackalloc double[k];
        float factor = (float)Scaling.Factor;
        var beta = m.Beta;
        for (int o = 0; o < k; o++) p[o] = beta[Dimensions * k + o];
        for (int j = 0; j < pool5Row.Length; j++)
        {
            double v = pool5Row[j] * factor;
            if (v == 0) continue; // ReLU features are mostly zero
            int b = j * k;
            p[0] += v * beta[b]; p[1] += v * beta[b + 1]; p[2] += v * beta[b + 2]; p[3] += v * beta[b + 3];
        }
        m.Whitening.Restore(p, t);
        return BoxTargets.Decode(box, t);
    }

    /// <summary>Regresses <paramref name="box"/> (a box scored for class <paramref name="cls"/>) and clips it to a <paramref name="width"/>×<paramref name="height"/> image.</summary>
    public PixelBox Regress(in PixelBox box, ReadOnlySpan<float> pool5Row, int cls, int width, int height) =>
        BoxTargets.Clip(Predict(box, pool5Row, cls), width, height);

    /// <summary>Regresses the boxes of one image scored for class <paramref name="cls"/>; <paramref name="rows"/>[i] is box i's row in <paramref name="pool5"/>.</summary>
    public PixelBox[] Apply(IReadOnlyList<PixelBox> boxes, IReadOnlyList<int> rows, IFeatureRows pool5, int cls, int width, int height)
    {
        if (boxes.Count != rows.Count) throw new ArgumentException($"{boxes.Count} boxes but {rows.Count} feature rows");
        var result = new PixelBox[boxes.Count];
        for (int i = 0; i < result.Length; i++) result[i] = Regress(boxes[i], pool5.Row(rows[i]), cls, width, height);
        return result;
    }

    /// <summary>Writes the regressors to <paramref name="path"/> (temporary name, then rename).</summary>
    public void Save(string path) => BoxRegressorFile.Write(path, this);

    /// <summary>Reads regressors written by <see cref="Save"/>; a damaged file is one clear line.</summary>
    public static BoxRegressors Load(string path) => BoxRegressorFile.Read(path);
}
