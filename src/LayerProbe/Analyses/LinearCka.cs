using LayerProbe.Probes;
using LayerProbe.Reports;

namespace LayerProbe.Analyses;

/// <summary>One representation compared by CKA: a layer of a network over a fixed, shared list of items.</summary>
public sealed record CkaLayer(string Name, IFeatureRows Rows, IReadOnlyList<string>? Ids = null);

/// <summary>
/// Linear centred kernel alignment (Kornblith et al., ICML 2019; beyond the paper): CKA(X, Y) =
/// ⟨K̃_X, K̃_Y⟩_F / (‖K̃_X‖_F ‖K̃_Y‖_F) with K̃ the centred Gram matrices (= ‖Ỹᵀ X̃‖²_F / (‖X̃ᵀX̃‖_F ‖ỸᵀỸ‖_F)). Compares
/// every pair of layers of one network and the same layer before/after fine-tuning (items must be the same, in the
/// same order). Cost: one N×N Gram matrix per layer (N ≤ a few thousand; subsample with <c>maxItems</c>).
/// </summary>
public static class LinearCka
{
    /// <summary>CKA of two centred Gram matrices.</summary>
    public static double Between(CentredGram a, CentredGram b) => CentredGram.Inner(a, b) / (a.FrobeniusNorm * b.FrobeniusNorm);

    /// <summary>CKA of two feature matrices over the same items.</summary>
    public static double Between(IFeatureRows x, IFeatureRows y) => Between(CentredGram.Of(x), CentredGram.Of(y));

    /// <summary>The symmetric matrix of CKA between every pair of layers (items subsampled, seeded, if more than
    /// <paramref name="maxItems"/>).</summary>
    public static double[,] Matrix(IReadOnlyList<CkaLayer> layers, int maxItems = 4000, int seed = 1, TextWriter? log = null)
    {
        if (layers.Count == 0) throw new ArgumentException("no layers");
        int n = layers[0].Rows.Count;
        foreach (var l in layers)
        {
            if (l.Rows.Count != n) throw new LayerProbeException($"{l.Name}: {l.Rows.Count} items, {layers[0].Name} has {n}; CKA needs the same items");
            if (l.Ids is not null && layers[0].Ids is not null && !l.Ids.SequenceEqual(layers[0].Ids!))
                throw new LayerProbeException($"{l.Name}: item ids differ from {layers[0].Name}; CKA needs the same items in the same order");
        }
        int[]? subset = null;
        if (n > maxItems)
        {
            subset = Enumerable.Range(0, n).ToArray();
            new Random(seed).Shuffle(subset);
            subset = subset[..maxItems].Order().ToArray();
        }
        var grams = layers.Select(l =>
        {
            log?.WriteLine($"CKA: Gram matrix of {l.Name}");
            return CentredGram.Of(subset is null ? l.Rows : new FeatureRowSubset(l.Rows, subset), l.Name);
        }).ToArray();
        var m = new double[layers.Count, layers.Count];
        for (int i = 0; i < grams.Length; i++)
            for (int j = 0; j <= i; j++) m[i, j] = m[j, i] = i == j ? 1 : Between(grams[i], grams[j]);
        return m;
    }

    /// <summary>Writes the CKA matrix as a table and heat map, with a manifest.</summary>
    public static double[,] Run(IReadOnlyList<CkaLayer> layers, string outputDirectory, int maxItems = 4000, int seed = 1,
        Dictionary<string, string>? inputs = null, TextWriter? log = null)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var m = Matrix(layers, maxItems, seed, log);
        var names = layers.Select(l => l.Name).ToArray();
        var output = new AnalysisOutput(outputDirectory);
        var table = new ResultTable("Linear CKA between layers", "layer", names) { Format = "F3" };
        for (int i = 0; i < names.Length; i++) table.Add(names[i], Enumerable.Range(0, names.Length).Select(j => (double?)m[i, j]));
        output.Table(table, "cka");
        output.Plot("cka", stem => HeatMap.Write("Linear CKA between layers", names, names, m, stem, range: (0, 1)));
        output.WriteManifest("linear-cka", new Dictionary<string, object?>
        {
            ["definition"] = "linear CKA on centred Gram matrices (Kornblith et al. 2019)",
            ["items"] = Math.Min(layers[0].Rows.Count, maxItems),
            ["allItems"] = layers[0].Rows.Count,
            ["subsampleSeed"] = seed,
            ["layers"] = names,
        }, inputs, new() { ["seconds"] = watch.Elapsed.TotalSeconds });
        return m;
    }
}
