using Onnx;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LayerProbe.Networks.Torch;

/// <summary>
/// A trainable TorchSharp module interpreting an ONNX graph node by node. Float initializers become Parameters
/// (keyed by their ONNX names, e.g. <c>conv1.weight</c>), BatchNormalization running statistics become buffers
/// (updated in training mode), integer/scalar initializers and the operands of shape and index inputs stay constants.
/// Shape arithmetic is constant-folded per input size: every node whose inputs are constants, Constant nodes or the
/// shape of a value (Shape → Gather → Unsqueeze → Concat → Reshape chains of exported reshapes) runs once for an input
/// shape and is reused afterwards. One forward pass can return any set of intermediate values by graph value name.
/// <see cref="OnnxWriteBack"/> writes the state back into the ONNX model.
/// </summary>
public sealed class TorchNetwork : nn.Module<Tensor, Tensor>
{
    const int FoldedShapesKept = 8;
    readonly List<NodeProto> _nodes;
    readonly Dictionary<string, Parameter> _weights = new();
    readonly Dictionary<string, Tensor> _buffers = new();
    readonly Dictionary<string, Tensor> _constants = new();
    readonly HashSet<string> _produced;
    readonly bool[] _foldable;
    readonly Dictionary<string, Dictionary<string, Tensor>> _folded = new();
    readonly HashSet<NodeProto> _frozenStatistics = [];

    /// <summary>Builds modules for a loaded network.</summary>
    public TorchNetwork(OnnxNetwork network) : this(network.Model, network.Path) { }

    /// <summary>Builds modules for <paramref name="model"/>; <paramref name="source"/> names it in errors.</summary>
    public TorchNetwork(ModelProto model, string source) : base("TorchNetwork")
    {
        Model = model;
        Source = source;
        Opset = model.OpsetImport.Where(o => o.Domain is "" or "ai.onnx").Select(o => o.Version).DefaultIfEmpty(13).Max();
        _nodes = model.Graph.Node.ToList();
        foreach (var node in _nodes)
        {
            try { TorchOps.Check(node); }
            catch (LayerProbeException e) { throw LayerProbeException.For(source, e.Message, e); }
        }
        _produced = _nodes.SelectMany(n => n.Output).Where(o => o.Length > 0).ToHashSet();

        var buffers = SlotNames("BatchNormalization", 3, 4);
        var constants = ConstantOperands();
        foreach (var init in model.Graph.Initializer)
        {
            var t = TorchOps.FromProto(init);
            if (init.DataType != OnnxTensors.Float || init.Dims.Count == 0 || constants.Contains(init.Name))
                _constants[init.Name] = t;
            else if (buffers.Contains(init.Name))
            {
                _buffers[init.Name] = t;
                register_buffer(ModuleName(init.Name), t);
            }
            else
            {
                var p = new Parameter(t, requires_grad: true);
                _weights[init.Name] = p;
                register_parameter(ModuleName(init.Name), p);
            }
        }
        var initializers = model.Graph.Initializer.Select(i => i.Name).ToHashSet();
        InputName = model.Graph.Input.Select(i => i.Name).FirstOrDefault(n => !initializers.Contains(n))
            ?? throw LayerProbeException.For(source, "the graph has no data input");
        OutputName = model.Graph.Output.Count > 0 ? model.Graph.Output[0].Name : _nodes[^1].Output[0];
        _foldable = FoldableNodes();
    }

    /// <summary>The ONNX model the modules were built from (its initializers are not updated by training).</summary>
    public ModelProto Model { get; }
    /// <summary>Where the model came from (used in error messages).</summary>
    public string Source { get; }
    /// <summary>Default-domain opset of the graph.</summary>
    public long Opset { get; }
    /// <summary>Name of the image input value.</summary>
    public string InputName { get; }
    /// <summary>Name of the graph's (first) output value.</summary>
    public string OutputName { get; }
    /// <summary>Trainable parameters keyed by ONNX initializer name (conv1.weight, fc8.bias, …).</summary>
    public IReadOnlyDictionary<string, Parameter> Weights => _weights;
    /// <summary>Non-trainable state written back to ONNX (BatchNormalization running mean/variance).</summary>
    public IReadOnlyDictionary<string, Tensor> Buffers => _buffers;

    /// <summary>The graph output for <paramref name="input"/>.</summary>
    public override Tensor forward(Tensor input) => Forward(input, [OutputName])[OutputName];

    /// <summary>Nodes constant-folded per input size (shape arithmetic, Constant nodes), for tests and diagnostics.</summary>
    public int FoldedNodeCount => _foldable.Count(f => f);

    /// <summary>
    /// BatchNormalization nodes whose scale and shift are all in <paramref name="frozenParameters"/> normalise with
    /// their running statistics and leave them unchanged in training mode too: a frozen layer stays frozen.
    /// </summary>
    public void FreezeStatistics(IReadOnlySet<string> frozenParameters)
    {
        _frozenStatistics.Clear();
        foreach (var node in _nodes.Where(n => n.OpType == "BatchNormalization"))
            if (node.Input.Skip(1).Take(2).Where(_weights.ContainsKey).All(frozenParameters.Contains))
                _frozenStatistics.Add(node);
    }

    /// <summary>
    /// One forward pass returning the requested values (graph value names) — pre-ReLU and post-ReLU values alike.
    /// The caller owns (disposes) the returned tensors; every other intermediate is disposed here.
    /// </summary>
    public Dictionary<string, Tensor> Forward(Tensor input, IEnumerable<string> values)
    {
        var wanted = values.Distinct().ToList();
        foreach (var v in wanted)
            if (!_produced.Contains(v))
                throw LayerProbeException.For(Source, $"'{v}' is not a value produced by a node of the graph");
        var pending = wanted.ToHashSet();
        var env = new Dictionary<string, Tensor>();
        var folded = FoldedValues(input);
        using var scope = NewDisposeScope();
        env[InputName] = input;
        foreach (var (k, t) in _weights) env[k] = t;
        foreach (var (k, t) in _buffers) env[k] = t;
        foreach (var (k, t) in _constants) env[k] = t;
        for (int n = 0; n < _nodes.Count && pending.Count > 0; n++)
        {
            var node = _nodes[n];
            if (_foldable[n] && node.Output.All(o => o.Length == 0 || folded.ContainsKey(o)))
            {
                foreach (var o in node.Output.Where(o => o.Length > 0)) { env[o] = folded[o]; pending.Remove(o); }
                continue;
            }
            var inputs = node.Input.Select(name => name.Length == 0 ? null
                : env.TryGetValue(name, out var t) ? t
                : throw LayerProbeException.For(Source, $"node '{node.Name}' ({node.OpType}): input '{name}' is not available")).ToArray();
            Tensor[] outputs;
            try { outputs = TorchOps.RunAll(node, inputs, training && !_frozenStatistics.Contains(node), Opset); }
            catch (LayerProbeException e) { throw LayerProbeException.For(Source, e.Message, e); }
            catch (System.Runtime.InteropServices.ExternalException e) { throw LayerProbeException.For(Source, $"node '{node.Name}' ({node.OpType}) failed: {e.Message.Split('\n')[0]}", e); }
            for (int i = 0; i < Math.Min(outputs.Length, node.Output.Count); i++)
            {
                string name = node.Output[i];
                if (name.Length == 0) continue;
                env[name] = outputs[i];
                pending.Remove(name);
                if (_foldable[n]) folded[name] = outputs[i].detach().clone().DetachFromDisposeScope();
            }
        }
        // Folded values are shared between passes: the caller gets its own handle.
        return wanted.ToDictionary(v => v, v => (folded.ContainsKey(v) ? env[v].alias() : env[v]).MoveToOuterDisposeScope());
    }

    /// <summary>The folded values for <paramref name="input"/>'s shape (filled by the first pass at that shape).</summary>
    Dictionary<string, Tensor> FoldedValues(Tensor input)
    {
        string key = string.Join(",", input.shape);
        if (_folded.TryGetValue(key, out var values)) return values;
        if (_folded.Count >= FoldedShapesKept) ClearFolded();
        return _folded[key] = new Dictionary<string, Tensor>();
    }

    void ClearFolded()
    {
        foreach (var t in _folded.Values.SelectMany(v => v.Values)) t.Dispose();
        _folded.Clear();
    }

    /// <summary>
    /// Nodes whose outputs depend on the input's shape only: Constant/ConstantOfShape of constants, Shape of anything,
    /// and any deterministic node whose inputs are all constants or such outputs.
    /// </summary>
    bool[] FoldableNodes()
    {
        var known = _constants.Keys.ToHashSet();
        var foldable = new bool[_nodes.Count];
        for (int n = 0; n < _nodes.Count; n++)
        {
            var node = _nodes[n];
            var inputs = node.Input.Where(i => i.Length > 0).ToList();
            foldable[n] = node.OpType switch
            {
                "Shape" => true,
                "Dropout" => false,
                "Constant" => true,
                _ => inputs.Count > 0 && inputs.All(known.Contains),
            };
            if (foldable[n]) known.UnionWith(node.Output.Where(o => o.Length > 0));
        }
        return foldable;
    }

    /// <summary>Initializers read as shapes, indices, axes, bounds or exponents: constants even when float and non-scalar.</summary>
    HashSet<string> ConstantOperands() =>
        [.. SlotNames("Reshape", 1), .. SlotNames("Dropout", 1, 2), .. SlotNames("Clip", 1, 2), .. SlotNames("Pad", 1, 2, 3),
         .. SlotNames("Slice", 1, 2, 3, 4), .. SlotNames("Gather", 1), .. SlotNames("Unsqueeze", 1), .. SlotNames("Squeeze", 1),
         .. SlotNames("Split", 1), .. SlotNames("ConstantOfShape", 0), .. SlotNames("ReduceMean", 1), .. SlotNames("ReduceSum", 1),
         .. SlotNames("Pow", 1)];

    /// <summary>Initializer names used at the given input positions of nodes of one op type.</summary>
    HashSet<string> SlotNames(string opType, params int[] slots) =>
        _nodes.Where(n => n.OpType == opType)
            .SelectMany(n => slots.Where(s => s < n.Input.Count).Select(s => n.Input[s]))
            .Where(s => s.Length > 0).ToHashSet();

    /// <summary>TorchSharp module member names may not contain dots.</summary>
    static string ModuleName(string onnxName) => onnxName.Replace('.', '_');

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            foreach (var t in _constants.Values) t.Dispose();
            ClearFolded();
        }
        base.Dispose(disposing);
    }
}
