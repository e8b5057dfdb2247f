using System.Globalization;
using LayerProbe.Networks;
using LayerProbe.Training;

namespace LayerProbe.Regions;

/// <summary>
/// Which fully connected layers of a head run compressed by truncated SVD (Fast R-CNN §3.1), and at what rank:
/// one rank for every fully connected layer (<c>--fc-rank 256</c>), or a rank per named layer
/// (<c>--fc-rank fc6=1024,fc7=256</c>, Fast R-CNN's choice for VGG16). Names are layers as <c>--layers</c> takes them,
/// resolved through the graph to the Gemm or MatMul computing them (<see cref="ClassifierLayer.FullyConnected"/>),
/// never matched by name pattern. <see cref="FcCompression"/> applies them.
/// </summary>
public sealed record FcRanks
{
    /// <summary>The rank of every fully connected layer whose smaller side exceeds it (null: per layer).</summary>
    public int? All { get; init; }
    /// <summary>Layer → rank, in the order given (empty when <see cref="All"/> is set).</summary>
    public IReadOnlyList<KeyValuePair<string, int>> Layers { get; init; } = [];

    /// <summary>
    /// Folder keeping the factors once computed (<see cref="FcFactorCache"/>); null: extraction and head-features use
    /// <c>fc-svd</c> under their output folder.
    /// </summary>
    public string? FactorCache { get; init; }

    /// <summary>These ranks with <see cref="FactorCache"/> under <paramref name="outputDirectory"/> unless one is set.</summary>
    public FcRanks CachedUnder(string outputDirectory) => FactorCache is null ? this with { FactorCache = Path.Combine(outputDirectory, "fc-svd") } : this;

    /// <summary>The option as written (<c>256</c> or <c>fc6=1024,fc7=256</c>).</summary>
    public override string ToString() => All is int r ? r.ToString(CultureInfo.InvariantCulture) : string.Join(",", Layers.Select(p => $"{p.Key}={p.Value}"));

    /// <summary>Parses <c>RANK</c> or <c>LAYER=RANK[,LAYER=RANK…]</c>; anything else is one line naming <c>--fc-rank</c>.</summary>
    public static FcRanks Parse(string text)
    {
        text = text.Trim();
        if (!text.Contains('=')) return new FcRanks { All = Rank(text) };
        var layers = new List<KeyValuePair<string, int>>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            int eq = part.IndexOf('=');
            if (eq <= 0) throw LayerProbeException.For("--fc-rank", $"'{part}' is not LAYER=RANK (e.g. fc6=1024,fc7=256, or one rank for every fc layer)");
            string layer = part[..eq].Trim();
            if (layers.Any(p => p.Key == layer)) throw LayerProbeException.For("--fc-rank", $"layer '{layer}' is given twice");
            layers.Add(new(layer, Rank(part[(eq + 1)..].Trim())));
        }
        return new FcRanks { Layers = layers };
    }

    static int Rank(string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int r) && r >= 1 ? r
            : throw LayerProbeException.For("--fc-rank", $"rank '{text}' is not a whole number ≥ 1");

    /// <summary>
    /// The ranks on <paramref name="network"/>'s graph: the output value of each chosen Gemm/MatMul node → its rank
    /// (empty when <paramref name="ranks"/> is null). A layer that is unknown, not fully connected, or given a rank
    /// above min(outputs, inputs) is one line; one rank for all picks every fully connected layer it makes smaller.
    /// </summary>
    public static IReadOnlyDictionary<string, int> Resolve(OnnxNetwork network, FcRanks? ranks)
    {
        var chosen = new Dictionary<string, int>(StringComparer.Ordinal);
        if (ranks is null) return chosen;
        if (ranks.All is int all)
        {
            var layers = ClassifierLayer.FullyConnectedLayers(network.Model);
            if (layers.Count == 0) throw LayerProbeException.For("--fc-rank", $"{Path.GetFileName(network.Path)} has no fully connected layer (Gemm or MatMul with a constant weight)");
            foreach (var fc in layers.Where(l => Math.Min(l.Classes, l.Inputs) > all)) chosen[fc.Node.Output[0]] = all;
            if (chosen.Count == 0)
                throw LayerProbeException.For("--fc-rank", $"rank {all} compresses no fully connected layer of {Path.GetFileName(network.Path)} (their min(outputs, inputs): " +
                    string.Join(", ", layers.Select(l => Math.Min(l.Classes, l.Inputs))) + ")");
            return chosen;
        }
        foreach (var (layer, rank) in ranks.Layers)
        {
            string value = network.ResolveLayer(layer);
            var fc = ClassifierLayer.FullyConnected(network.Model, value);
            if (fc is null)
            {
                string op = network.Model.Graph.Node.FirstOrDefault(n => n.Output.Contains(value))?.OpType ?? "graph input";
                throw LayerProbeException.For("--fc-rank", $"layer '{layer}' is computed by a {op} node, not a fully connected layer (Gemm, or MatMul with a constant weight)");
            }
            int full = Math.Min(fc.Classes, fc.Inputs);
            if (rank > full)
                throw LayerProbeException.For("--fc-rank", $"rank {rank} for '{layer}' exceeds min(outputs, inputs) = min({fc.Classes}, {fc.Inputs}) = {full}");
            if (!chosen.TryAdd(fc.Node.Output[0], rank)) throw LayerProbeException.For("--fc-rank", $"layer '{layer}' names a layer given already");
        }
        return chosen;
    }
}
