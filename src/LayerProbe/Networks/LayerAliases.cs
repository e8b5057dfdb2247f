using Onnx;

namespace LayerProbe.Networks;

/// <summary>
/// The paper's layer vocabulary (conv1, relu1, pool1, norm1, …, pool5, fc6, relu6, fc7, relu7, fc8, prob) mapped to a
/// graph's value names. Networks LayerProbe builds name their values with the vocabulary itself; imported networks
/// with another naming get a recognised alias table (ResNet-18 from CNTK: stem, pool1, res2a … res5b, pool5).
/// </summary>
public sealed class LayerAliases
{
    readonly List<(string Alias, string Value)> _pairs;

    LayerAliases(List<(string Alias, string Value)> pairs) => _pairs = pairs;

    /// <summary>Alias names in network order.</summary>
    public IEnumerable<string> Names => _pairs.Select(p => p.Alias);

    /// <summary>(alias, graph value) pairs in network order.</summary>
    public IReadOnlyList<(string Alias, string Value)> Pairs => _pairs;

    /// <summary>The graph value behind an alias.</summary>
    public bool TryResolve(string alias, out string value)
    {
        foreach (var (a, v) in _pairs)
            if (string.Equals(a, alias, StringComparison.OrdinalIgnoreCase)) { value = v; return true; }
        value = "";
        return false;
    }

    /// <summary>The alias of a graph value, or null.</summary>
    public string? AliasOf(string value) => _pairs.FirstOrDefault(p => p.Value == value).Alias;

    /// <summary>Recognises the graph's naming and builds its alias table (empty when unrecognised).</summary>
    public static LayerAliases For(ModelProto model)
    {
        var values = model.Graph.Node.SelectMany(n => n.Output).ToHashSet();
        var paper = CaffeNetVocabulary.Where(values.Contains).Select(v => (v, v)).ToList();
        if (paper.Count > 0) return new LayerAliases(paper);
        return new LayerAliases(ResidualStages(model));
    }

    /// <summary>Sub-layer names of CaffeNet in forward order (METHOD.md §1.1).</summary>
    public static readonly string[] CaffeNetVocabulary =
    [
        "conv1", "relu1", "pool1", "norm1", "conv2", "relu2", "pool2", "norm2", "conv3", "relu3", "conv4", "relu4",
        "conv5", "relu5", "pool5", "fc6", "relu6", "fc7", "relu7", "fc8", "prob",
    ];

    /// <summary>
    /// Stage outputs of a ResNet read off its graph structure (not its node names): the stem convolution, its ReLU,
    /// the max-pool, each residual block's output (the ReLU after each Add, named res2a, res2b, res3a, … — a new
    /// stage starts when the spatial stride of the block's first convolution is 2), and the global average pool.
    /// </summary>
    static List<(string, string)> ResidualStages(ModelProto model)
    {
        var nodes = model.Graph.Node.Where(n => n.Output.Count > 0 && n.Output[0].Length > 0).ToList(); // a node without output names no stage
        var pairs = new List<(string, string)>();
        var firstConv = nodes.FirstOrDefault(n => n.OpType == "Conv");
        var maxPool = nodes.FirstOrDefault(n => n.OpType == "MaxPool");
        var adds = nodes.Where(n => n.OpType == "Add").ToList();
        if (firstConv is null || maxPool is null || adds.Count == 0) return pairs;

        var consumers = nodes.SelectMany(n => n.Input.Select(i => (i, n))).ToLookup(p => p.i, p => p.n);
        pairs.Add(("stem", firstConv.Output[0]));
        int poolIndex = nodes.IndexOf(maxPool);
        var stemRelu = nodes.Take(poolIndex).LastOrDefault(n => n.OpType == "Relu");
        if (stemRelu is not null) pairs.Add(("stem-relu", stemRelu.Output[0]));
        pairs.Add(("pool1", maxPool.Output[0]));

        int stage = 2, block = 0;
        bool first = true;
        foreach (var add in adds)
        {
            var relu = consumers[add.Output[0]].FirstOrDefault(n => n.OpType == "Relu");
            string output = relu?.Output[0] ?? add.Output[0];
            int addIndex = nodes.IndexOf(add);
            bool strided = nodes.Take(addIndex).Skip(first ? poolIndex : nodes.IndexOf(nodes.First(n => n.Output.Contains(pairs[^1].Item2))))
                .Any(n => n.OpType == "Conv" && n.Attribute.Any(a => a.Name == "strides" && a.Ints.Any(s => s > 1)));
            if (!first && strided) { stage++; block = 0; }
            pairs.Add(($"res{stage}{(char)('a' + block)}", output));
            block++;
            first = false;
        }
        var globalPool = nodes.LastOrDefault(n => n.OpType is "GlobalAveragePool" or "AveragePool");
        if (globalPool is not null) pairs.Add(("pool5", globalPool.Output[0]));
        return pairs;
    }
}
