using Onnx;

namespace LayerProbe.Networks;

/// <summary>
/// Readable layer names mapped to a graph's value names, read off the graph's structure, and only ever onto activations
/// (<see cref="ActivationValues"/>). A CaffeNet-like graph (<see cref="CaffeNetStructure"/>) gets the paper's vocabulary
/// (conv1, relu1, pool1, norm1, …, pool5, fc6, relu6, fc7, relu7, fc8, prob); a graph whose node names carry module
/// scopes (PyTorch exports) gets its module paths (<see cref="ModulePaths"/>: layer3.1, features.7, stage2.1); another
/// residual network (the CNTK ResNet-18) gets its stages (stem, stem-relu, pool1, res2a … res5b, pool5). Several names
/// may point at one value (a module and its last child).
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

    /// <summary>The first alias of a graph value, or null.</summary>
    public string? AliasOf(string value) => _pairs.FirstOrDefault(p => p.Value == value).Alias;

    /// <summary>Every alias of a graph value, in network order.</summary>
    public IEnumerable<string> AliasesOf(string value) => _pairs.Where(p => p.Value == value).Select(p => p.Alias);

    /// <summary>The alias table of <paramref name="model"/> fed through its first data input.</summary>
    public static LayerAliases For(ModelProto model)
    {
        var initializers = model.Graph.Initializer.Select(t => t.Name).ToHashSet();
        var input = model.Graph.Input.FirstOrDefault(i => !initializers.Contains(i.Name))?.Name ?? "";
        return For(model, input, ActivationValues.Of(model, input));
    }

    /// <summary>Recognises the graph's structure and builds its alias table (empty when nothing is recognised).</summary>
    public static LayerAliases For(ModelProto model, string imageInput, IReadOnlyList<string> activations)
    {
        var active = activations.ToHashSet();
        if (CaffeNetStructure.Match(model, imageInput, active) is { } paper) return new LayerAliases(paper);
        var modules = ModulePaths.Of(model, active);
        if (modules.Count > 0) return new LayerAliases(modules);
        return new LayerAliases(ResidualStages(model, active));
    }

    /// <summary>Sub-layer names of CaffeNet in forward order (docs/method.md §1.1).</summary>
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
    static List<(string, string)> ResidualStages(ModelProto model, HashSet<string> active)
    {
        var nodes = model.Graph.Node.Where(n => n.Output.Count > 0 && n.Output[0].Length > 0).ToList(); // a node without output names no stage
        var pairs = new List<(string, string)>();
        bool Active(NodeProto n) => n.Output.Count > 0 && active.Contains(n.Output[0]);
        var firstConv = nodes.FirstOrDefault(n => n.OpType == "Conv" && Active(n));
        var maxPool = nodes.FirstOrDefault(n => n.OpType == "MaxPool" && Active(n));
        var adds = nodes.Where(n => n.OpType == "Add" && Active(n)).ToList();
        if (firstConv is null || maxPool is null || adds.Count == 0) return pairs;

        var consumers = nodes.SelectMany(n => n.Input.Select(i => (i, n))).ToLookup(p => p.i, p => p.n);
        pairs.Add(("stem", firstConv.Output[0]));
        int poolIndex = nodes.IndexOf(maxPool);
        var stemRelu = nodes.Take(poolIndex).LastOrDefault(n => n.OpType == "Relu" && Active(n));
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
        var globalPool = nodes.LastOrDefault(n => n.OpType is "GlobalAveragePool" or "AveragePool" && Active(n));
        if (globalPool is not null) pairs.Add(("pool5", globalPool.Output[0]));
        return pairs;
    }
}
