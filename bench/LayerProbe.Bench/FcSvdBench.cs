using System.Diagnostics;
using LayerProbe.Features;
using LayerProbe.Networks;
using LayerProbe.Regions;
using LayerProbe.Training;

namespace LayerProbe.Bench;

/// <summary>
/// The truncated-SVD rows of the <c>shared-conv</c> bench (Fast R-CNN §3.1): the SVD's one-off time per layer and the
/// share of ‖W‖²_F its rank keeps, the fc FLOPs per region exact and factored, shared-conv pool5 + fc7 with the factored
/// head against warp mode's rate (same process, same network; target ≥ 20×), and the relative error of the factored
/// fc7 against the exact shared-conv fc7 of the same regions.
/// </summary>
static class FcSvdBench
{
    const double Target = 20;

    /// <summary>Runs the factored extraction through <paramref name="run"/> into <paramref name="svdDir"/>; true when the target is met.</summary>
    public static bool Compare(OnnxNetwork network, string spec, int scale, int roiBatch, FcRanks ranks, double warpRate, string exactDir, string svdDir,
        Func<SharedConvSettings, string, ExtractionOptions, SharedConvBench.SharedRun> run)
    {
        ranks = ranks with { FactorCache = Path.Combine(svdDir, "fc-svd") }; // the extraction below reads the factors timed here
        var resolved = FcRanks.Resolve(network, ranks);
        var split = SharedConvNetwork.For(network, "relu5");
        var head = HeadSubgraph.Cut(network, split.PooledValue, [network.ResolveLayer("fc7")], [.. split.PooledShape.Cast<object>()]);
        var inHead = head.Graph.Node.Select(n => n.Output[0]).ToHashSet();
        double exactFlops = 0, factoredFlops = 0;
        foreach (var fc in ClassifierLayer.FullyConnectedLayers(network.Model).Where(l => inHead.Contains(l.Node.Output[0])))
        {
            exactFlops += 2.0 * fc.Classes * fc.Inputs;
            if (!resolved.TryGetValue(fc.Node.Output[0], out int rank)) { factoredFlops += 2.0 * fc.Classes * fc.Inputs; continue; }
            factoredFlops += 2.0 * rank * (fc.Classes + fc.Inputs);
            var clock = Stopwatch.StartNew();
            var svd = FcFactorCache.Get(ranks.FactorCache, FcCompression.Weight(fc), fc.Classes, fc.Inputs, rank);
            double kept = svd.SingularValues.Take(rank).Sum(s => s * s) / svd.SingularValues.Sum(s => s * s);
            Console.WriteLine($"fc-svd {fc.Node.Output[0]} ({fc.Classes}x{fc.Inputs}) rank {rank}: SVD {clock.Elapsed.TotalSeconds:F1} s once (libtorch, double); keeps {kept:P1} of ||W||_F^2 [load {RegionDevkit.Load()}]");
        }
        Console.WriteLine($"fc layers per region up to fc7: {exactFlops / 1e6:F1} MFLOP exact, {factoredFlops / 1e6:F1} MFLOP factored ({ranks})");

        var settings = new SharedConvSettings { Layer = "relu5", ShorterSide = scale, RegionBatch = roiBatch };
        var result = run(settings, svdDir, new ExtractionOptions { FcRanks = ranks });
        double ratio = result.Rate / warpRate;
        bool met = ratio >= Target;
        Console.WriteLine($"pool5+fc7: shared-conv (ort, fc-svd {ranks}) {result.Rate,8:F1} regions/s  ratio {ratio,6:F1}x  target >= {Target:F0}x  {(met ? "MET" : "NOT MET")}; " +
            $"{result.SecondsPerImage:F2} s per image ({result.WallSecondsPerImage:F2} s with session set-up, the factors read from the SVD above) [load {RegionDevkit.Load()}]");

        var (relative, median, rows) = Error(Store(exactDir, "fc7"), Store(svdDir, "fc7"));
        Console.WriteLine($"fc7 factored vs exact over {rows:N0} regions: ||delta||/||fc7|| = {relative:F4}, per-region median {median:F4} " +
            "(reference: Fast R-CNN lost 0.3 mAP with fc6 1024 / fc7 256 on trained VGG16; random weights have a flat spectrum, the worst case for truncation)");
        return met;
    }

    static string Store(string directory, string layer) => Directory.GetDirectories(directory, layer + "-*").Single();

    /// <summary>‖a − b‖/‖a‖ over all rows, the median of the per-row ratio, and the rows.</summary>
    static (double Relative, double Median, long Rows) Error(string exact, string factored)
    {
        using var a = FeatureMatrix.Open(exact);
        using var b = FeatureMatrix.Open(factored);
        if (!a.Ids.SequenceEqual(b.Ids)) throw new InvalidOperationException("the two fc7 stores hold different regions");
        double difference = 0, norm = 0;
        var perRow = new double[a.RowCount];
        for (int r = 0; r < a.RowCount; r++)
        {
            var x = a.Row(r).ToArray();
            var y = b.Row(r);
            double d = 0, n = 0;
            for (int c = 0; c < x.Length; c++) { d += (double)(x[c] - y[c]) * (x[c] - y[c]); n += (double)x[c] * x[c]; }
            difference += d;
            norm += n;
            perRow[r] = n > 0 ? Math.Sqrt(d / n) : 0;
        }
        Array.Sort(perRow);
        return (Math.Sqrt(difference / norm), perRow.Length > 0 ? perRow[perRow.Length / 2] : 0, perRow.Length);
    }
}
