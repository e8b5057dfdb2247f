using LayerProbe.Features.Transforms;
using LayerProbe.Probes;
using LayerProbe.Reports;

namespace LayerProbe.Analyses;

/// <summary>One layer of one network whose units' label entropy is measured.</summary>
public sealed record EntropyLayer(string Network, string Layer, IFeatureRows Rows, FeatureShape Shape);

/// <summary>Options of <see cref="LabelEntropyAnalysis"/>.</summary>
public sealed record LabelEntropyOptions
{
    /// <summary>Threshold variants to compute; the first is the headline (default R then V).</summary>
    public IReadOnlyList<EntropyThresholds> Variants { get; init; } = [EntropyThresholds.Rank, EntropyThresholds.Value];
    /// <summary>Channel (spatial max) or per-position units for conv layers.</summary>
    public UnitKind Units { get; init; } = UnitKind.ChannelMax;
}

/// <summary>E_u of every unit of one layer for one threshold variant.</summary>
public sealed record LayerEntropies(string Network, string Layer, EntropyThresholds Variant, double[] Entropies, double Prior)
{
    /// <summary>Mean E_u.</summary>
    public double Mean => Entropies.Average();
    /// <summary>Median E_u.</summary>
    public double Median => Quantile(0.5);
    /// <summary>Mean of E_u / H(prior).</summary>
    public double MeanNormalised => Mean / Prior;

    /// <summary>Quantile q ∈ [0,1] of the sorted E_u (linear interpolation).</summary>
    public double Quantile(double q)
    {
        var s = Entropies.Order().ToArray();
        double pos = q * (s.Length - 1);
        int lo = (int)Math.Floor(pos), hi = Math.Min(lo + 1, s.Length - 1);
        return s[lo] + (pos - lo) * (s[hi] - s[lo]);
    }
}

/// <summary>
/// E11 (docs/method.md §5.1): label entropy of every unit of every given layer, before/after fine-tuning when several
/// networks are given. Outputs a per-layer summary (mean/median E_u, E_u/H(prior)), sorted entropy curves
/// (draft Fig. 3), mean entropy per layer per network (draft Fig. 4) and per-unit values.
/// </summary>
public static class LabelEntropyAnalysis
{
    /// <summary>Computes the entropies (one streaming pass over each layer's rows).</summary>
    public static IReadOnlyList<LayerEntropies> Compute(IReadOnlyList<EntropyLayer> layers, int[] classOfItem, int classes,
        LabelEntropyOptions options, TextWriter? log = null)
    {
        double prior = LabelEntropy.Prior(classOfItem, classes);
        var results = new List<LayerEntropies>();
        foreach (var layer in layers)
        {
            if (layer.Rows.Count != classOfItem.Length)
                throw new LayerProbeException($"{layer.Network}/{layer.Layer}: {layer.Rows.Count} rows but {classOfItem.Length} labels");
            var kind = layer.Shape.IsFullyConnected ? UnitKind.ChannelMax : options.Units;
            var responses = UnitResponses.Collect(layer.Rows, layer.Shape, kind, layer.Layer,
                log is null ? null : new Progress($"{layer.Network}/{layer.Layer} responses", layer.Rows.Count, log));
            foreach (var variant in options.Variants)
            {
                var e = new double[responses.Units];
                Parallel.For(0, responses.Units, u =>
                    e[u] = LabelEntropy.OfUnit(responses.Of(u), classOfItem, classes, variant));
                results.Add(new LayerEntropies(layer.Network, layer.Layer, variant, e, prior));
            }
        }
        return results;
    }

    /// <summary>Computes and writes tables, plots and the manifest to <paramref name="outputDirectory"/>.</summary>
    public static IReadOnlyList<LayerEntropies> Run(IReadOnlyList<EntropyLayer> layers, int[] classOfItem, IReadOnlyList<string> classNames,
        LabelEntropyOptions options, string outputDirectory, Dictionary<string, string>? inputs = null, TextWriter? log = null)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var results = Compute(layers, classOfItem, classNames.Count, options, log);
        Write(results, layers, classOfItem.Length, classNames, options, outputDirectory, inputs, new() { ["seconds"] = watch.Elapsed.TotalSeconds });
        return results;
    }

    /// <summary>Writes the tables, plots and manifest of entropies computed by <see cref="Compute"/> (e.g. layer by
    /// layer, to time each); returns the output with the files written.</summary>
    public static AnalysisOutput Write(IReadOnlyList<LayerEntropies> results, IReadOnlyList<EntropyLayer> layers, int items,
        IReadOnlyList<string> classNames, LabelEntropyOptions options, string outputDirectory, Dictionary<string, string>? inputs = null,
        Dictionary<string, double>? measurements = null)
    {
        var output = new AnalysisOutput(outputDirectory);
        WriteReports(results, options, output);
        output.WriteManifest("label-entropy", new Dictionary<string, object?>
        {
            ["definition"] = "docs/method.md §5.1: E_u = mean over 100 thresholds of the class entropy (bits) of the top set",
            ["variants"] = options.Variants.Select(v => v.ToString()).ToArray(),
            ["units"] = options.Units.ToString(),
            ["items"] = items,
            ["classes"] = classNames,
            ["priorEntropyBits"] = results.Count > 0 ? results[0].Prior : null,
            ["layers"] = layers.Select(l => $"{l.Network}/{l.Layer} {l.Shape}").ToArray(),
        }, inputs, measurements);
        return output;
    }

    static void WriteReports(IReadOnlyList<LayerEntropies> results, LabelEntropyOptions options, AnalysisOutput output)
    {
        var headline = options.Variants[0];
        var summary = new ResultTable("Label entropy per layer (bits; E_u/H(prior) normalised)", "network/layer",
            [.. options.Variants.SelectMany(v => new[] { $"mean {V(v)}", $"median {V(v)}", $"mean/H(prior) {V(v)}" })]) { Format = "F3" };
        foreach (var group in results.GroupBy(r => (r.Network, r.Layer)))
        {
            var byVariant = group.ToDictionary(r => r.Variant);
            summary.Add($"{group.Key.Network}/{group.Key.Layer} ({group.First().Entropies.Length} units)", [
                .. options.Variants.SelectMany(v => new double?[] { byVariant[v].Mean, byVariant[v].Median, byVariant[v].MeanNormalised })]);
        }
        output.Table(summary, "entropy-summary");

        var main = results.Where(r => r.Variant == headline).ToList();
        var percentiles = Enumerable.Range(0, 21).Select(i => i * 5).ToArray();
        var curves = new ResultTable($"Sorted unit entropies (variant {V(headline)}), value at each percentile of units", "network/layer",
            percentiles.Select(p => $"p{p}").ToArray()) { Format = "F3" };
        foreach (var r in main) curves.Add($"{r.Network}/{r.Layer}", percentiles.Select(p => (double?)r.Quantile(p / 100.0)));
        output.Table(curves, "entropy-curves");
        output.Plot("entropy-curves", stem => Plots.Lines($"Label entropy of units, sorted (variant {V(headline)})", "entropy (bits)",
            percentiles.Select(p => $"{p}%").ToArray(),
            main.Select(r => ($"{r.Network}/{r.Layer}", (IReadOnlyList<double>)percentiles.Select(p => r.Quantile(p / 100.0)).ToArray())).ToList(), stem));

        var layerNames = main.Select(r => r.Layer).Distinct().ToArray();
        var networks = main.Select(r => r.Network).Distinct().ToArray();
        var means = new ResultTable($"Mean label entropy per layer (variant {V(headline)}, bits)", "layer",
            networks.Length == 2 ? [.. networks, $"{networks[1]} − {networks[0]}"] : networks) { Format = "F3" };
        foreach (var layer in layerNames)
        {
            var row = networks.Select(n => main.FirstOrDefault(r => r.Network == n && r.Layer == layer)?.Mean).ToList();
            if (networks.Length == 2) row.Add(row[1] - row[0]);
            means.Add(layer, row);
        }
        output.Table(means, "entropy-mean-per-layer");
        output.Plot("entropy-mean-per-layer", stem => Plots.Lines($"Mean label entropy per layer (variant {V(headline)})", "mean entropy (bits)",
            layerNames, networks.Select(n => (n, (IReadOnlyList<double>)layerNames.Select(l =>
                main.FirstOrDefault(r => r.Network == n && r.Layer == l)?.Mean ?? double.NaN).ToArray())).ToList(), stem));

        if (options.Units == UnitKind.ChannelMax)
        {
            var perUnit = new ResultTable("Label entropy of every unit (bits)", "network/layer/unit",
                options.Variants.Select(v => $"E {V(v)}").ToArray()) { Format = "F4" };
            foreach (var group in results.GroupBy(r => (r.Network, r.Layer)))
            {
                var byVariant = group.ToDictionary(r => r.Variant);
                for (int u = 0; u < group.First().Entropies.Length; u++)
                    perUnit.Add($"{group.Key.Network}/{group.Key.Layer}/{u}", options.Variants.Select(v => (double?)byVariant[v].Entropies[u]));
            }
            output.Table(perUnit, "entropy-per-unit");
        }
    }

    static string V(EntropyThresholds v) => v == EntropyThresholds.Rank ? "R" : "V";
}
