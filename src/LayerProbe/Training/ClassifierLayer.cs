using Onnx;
using LayerProbe.Networks;

namespace LayerProbe.Training;

/// <summary>
/// A fully connected layer found in the graph: a Gemm, a MatMul with an initializer weight (with the bias Add after it,
/// if any), or — for the classifier only — a Conv (SqueezeNet's 1×1 classifier). The classifier producing the class
/// scores (fc8 in CaffeNet) is the last such layer before the graph output, reached backwards through
/// Flatten/Reshape/Softmax/Identity/Dropout/ReLU/global pooling; <c>--classifier NODE</c> names it instead.
/// </summary>
/// <param name="Node">The Gemm, MatMul or Conv node.</param>
/// <param name="Weight">Weight initializer (through an Identity tie, the shared initializer).</param>
/// <param name="Bias">Bias initializer, or null.</param>
/// <param name="Classes">Number of outputs.</param>
/// <param name="Inputs">Number of inputs per output.</param>
/// <param name="Transposed">True when the weight is stored [outputs, inputs] (Gemm transB = 1, Conv).</param>
/// <param name="BiasAdd">The Add node applying the bias of a MatMul layer, or null.</param>
/// <param name="Output">The layer's output value (after its bias Add).</param>
public sealed record ClassifierLayer(NodeProto Node, TensorProto Weight, TensorProto? Bias, int Classes, int Inputs, bool Transposed,
    NodeProto? BiasAdd, string Output)
{
    static readonly HashSet<string> TowardsOutput = ["Flatten", "Reshape", "Softmax", "LogSoftmax", "Identity", "Dropout", "Relu", "GlobalAveragePool", "Squeeze"];
    static readonly HashSet<string> Activations = ["Relu", "LeakyRelu", "Clip", "Sigmoid", "Tanh", "HardSigmoid", "HardSwish", "Elu", "Dropout", "Flatten", "Reshape", "Identity", "Squeeze"];

    /// <summary>Key of the layer's node (its name): what multipliers and <c>--classifier</c> address.</summary>
    public string LayerName => ParameterRoles.KeyOf(Node);

    /// <summary>The value the layer reads its features from.</summary>
    public string DataInput => Node.Input[0];

    /// <summary>
    /// The classifier of <paramref name="model"/>: the node named <paramref name="classifier"/> (node name, a value it
    /// produces, or a paper alias such as fc8), or when null the last fully connected layer before the graph output.
    /// </summary>
    public static ClassifierLayer Find(ModelProto model, string? classifier, string source)
    {
        var graph = new Graph(model);
        if (classifier is null)
        {
            var (last, why) = Last(model, graph);
            return last ?? throw LayerProbeException.For(source, why!);
        }
        var aliases = LayerAliases.For(model);
        string name = aliases.TryResolve(classifier, out var v) ? v : classifier;
        var node = model.Graph.Node.FirstOrDefault(n => n.Name == name) ?? graph.Producers.GetValueOrDefault(name)
            ?? throw LayerProbeException.For(source, $"no node is called or produces the classifier '{classifier}'" +
                $" (the graph ends at {string.Join(", ", model.Graph.Output.Select(o => $"'{o.Name}'"))}; --classifier names an existing classifier layer;" +
                " a feature extractor without one, like the NuGet ResNet-18, gets a new classifier appended when --classifier is left out)");
        // A MatMul named directly still takes its bias Add along.
        var layer = graph.Consumers[node.Output[0]].Select(a => graph.Layer(a.Output[0], true)).FirstOrDefault(l => l?.Node == node)
            ?? graph.Layer(node.Output[0], allowConv: true);
        return layer ?? throw LayerProbeException.For(source, $"classifier '{classifier}' is a {node.OpType} node with no initializer weight;" +
            " only Gemm, MatMul(+Add) and Conv classifiers can be replaced");
    }

    /// <summary>
    /// The last fully connected layer before the graph output (as <see cref="Find"/> without a name), or null for a
    /// headless network — a feature extractor whose output no such layer computes (e.g. the NuGet ResNet-18's pool5).
    /// </summary>
    public static ClassifierLayer? TryFind(ModelProto model) => Last(model, new Graph(model)).Layer;

    static (ClassifierLayer? Layer, string? Why) Last(ModelProto model, Graph graph)
    {
        string value = model.Graph.Output.Count > 0 ? model.Graph.Output[0].Name : model.Graph.Node[^1].Output[0];
        while (true)
        {
            if (graph.Layer(value, allowConv: true) is { } found) return (found, null);
            if (!graph.Producers.TryGetValue(value, out var p) || !TowardsOutput.Contains(p.OpType))
                return (null, $"no classifier found: the output '{model.Graph.Output.FirstOrDefault()?.Name}' is not computed by a fully connected layer " +
                    $"(Gemm, MatMul+Add or Conv) through Flatten/Reshape/Softmax/Identity" + (p is null ? "" : $" ('{value}' comes from {p.OpType} node '{p.Name}')") +
                    "; name it with --classifier NODE, or fine-tune the feature extractor with a new classifier appended (--finetune without --classifier)");
            value = p.Input[0];
        }
    }

    /// <summary>
    /// The fully connected layer (a Gemm, or a MatMul with its bias Add) computing <paramref name="value"/> in
    /// <paramref name="model"/> with a constant (initializer) weight, or null when another kind of node computes it.
    /// </summary>
    public static ClassifierLayer? FullyConnected(ModelProto model, string value) => new Graph(model).Layer(value, allowConv: false);

    /// <summary>Every fully connected layer of <paramref name="model"/> (Gemm or MatMul with a constant weight), in graph order, each by its Gemm/MatMul node.</summary>
    public static IReadOnlyList<ClassifierLayer> FullyConnectedLayers(ModelProto model)
    {
        var graph = new Graph(model);
        return [.. model.Graph.Node.Where(n => n.OpType is "Gemm" or "MatMul" && n.Output.Count > 0)
            .Select(n => graph.Layer(n.Output[0], allowConv: false)).OfType<ClassifierLayer>()];
    }

    /// <summary>
    /// The class scores of <paramref name="model"/> for a softmax loss: the graph output, or the input of a
    /// Softmax/LogSoftmax that ends the graph (CaffeNet's prob → fc8), reached through Flatten/Reshape/Identity.
    /// </summary>
    public static string Logits(ModelProto model)
    {
        var graph = new Graph(model);
        string output = model.Graph.Output.Count > 0 ? model.Graph.Output[0].Name : model.Graph.Node[^1].Output[0];
        for (string value = output; graph.Producers.TryGetValue(value, out var p) && p.OpType is "Softmax" or "LogSoftmax" or "Flatten" or "Reshape" or "Identity"; value = p.Input[0])
            if (p.OpType is "Softmax" or "LogSoftmax") return p.Input[0];
        return output;
    }

    /// <summary>
    /// The fully connected layers feeding <paramref name="classifier"/> (fc6, fc7 in CaffeNet), found backwards from its
    /// input through activations, dropout and reshapes, in graph order; and the boundary value where that stack starts
    /// (pool5's output in CaffeNet). Fc-only fine-tuning freezes everything computing the boundary.
    /// </summary>
    public static (IReadOnlyList<ClassifierLayer> Hidden, string Boundary) Stack(ModelProto model, ClassifierLayer classifier)
    {
        var graph = new Graph(model);
        var hidden = new List<ClassifierLayer>();
        string value = classifier.DataInput, boundary = value;
        while (true)
        {
            if (graph.Layer(value, allowConv: false) is { } fc)
            {
                hidden.Insert(0, fc);
                value = boundary = fc.DataInput;
                continue;
            }
            if (!graph.Producers.TryGetValue(value, out var p)) break;
            if (Activations.Contains(p.OpType)) { value = p.Input[0]; continue; }
            // x · HardSigmoid(x) or x · Sigmoid(x): the Hardswish/SiLU of exports before opset 14.
            if (p.OpType == "Mul" && p.Input.Count == 2 && graph.Producers.TryGetValue(p.Input[1], out var gate) &&
                gate.OpType is "HardSigmoid" or "Sigmoid" && gate.Input[0] == p.Input[0]) { value = p.Input[0]; continue; }
            break;
        }
        return (hidden, boundary);
    }

    /// <summary>Producer/consumer lookups and the fully-connected-layer test of one graph.</summary>
    sealed class Graph
    {
        readonly Dictionary<string, TensorProto> _initializers;
        readonly Dictionary<string, string> _roots = new();

        public Graph(ModelProto model)
        {
            _initializers = model.Graph.Initializer.ToDictionary(i => i.Name);
            foreach (var init in _initializers.Keys) _roots[init] = init;
            foreach (var node in model.Graph.Node)
                foreach (var o in node.Output.Where(o => o.Length > 0)) Producers[o] = node;
            foreach (var node in model.Graph.Node.Where(n => n.OpType == "Identity"))
                if (_roots.TryGetValue(node.Input[0], out var r)) _roots[node.Output[0]] = r;
            Consumers = model.Graph.Node.SelectMany(n => n.Input.Select(i => (i, n))).ToLookup(p => p.i, p => p.n);
        }

        public Dictionary<string, NodeProto> Producers { get; } = new();
        public ILookup<string, NodeProto> Consumers { get; }

        TensorProto? Init(string value) => _roots.TryGetValue(value, out var r) ? _initializers[r] : null;

        /// <summary>The fully connected layer whose output is <paramref name="value"/>, or null.</summary>
        public ClassifierLayer? Layer(string value, bool allowConv)
        {
            if (!Producers.TryGetValue(value, out var node)) return null;
            if (node.OpType == "Add" && node.Input.Count == 2)
                for (int slot = 0; slot < 2; slot++)
                    if (Init(node.Input[slot]) is { } bias && Producers.TryGetValue(node.Input[1 - slot], out var mm) &&
                        mm.OpType == "MatMul" && MatMul(mm, value) is { } layer && bias.Dims.Count >= 1 && bias.Dims[^1] == layer.Classes &&
                        OnnxTensors.Count(bias) == layer.Classes)
                        return layer with { Bias = bias, BiasAdd = node };
            switch (node.OpType)
            {
                case "Gemm" when Init(node.Input[1]) is { Dims.Count: 2 } w && Init(node.Input[0]) is null:
                    bool transB = node.Attribute.Any(a => a.Name == "transB" && a.I != 0);
                    return new(node, w, node.Input.Count > 2 ? Init(node.Input[2]) : null,
                        (int)w.Dims[transB ? 0 : 1], (int)w.Dims[transB ? 1 : 0], transB, null, value);
                case "MatMul": return MatMul(node, value);
                case "Conv" when allowConv && Init(node.Input[1]) is { } w:
                    return new(node, w, node.Input.Count > 2 ? Init(node.Input[2]) : null, (int)w.Dims[0],
                        (int)(OnnxTensors.Count(w) / w.Dims[0]), true, null, value);
                default: return null;
            }
        }

        ClassifierLayer? MatMul(NodeProto node, string value) =>
            Init(node.Input[1]) is { Dims.Count: 2 } w && Init(node.Input[0]) is null
                ? new(node, w, null, (int)w.Dims[1], (int)w.Dims[0], false, null, value) : null;
    }
}
