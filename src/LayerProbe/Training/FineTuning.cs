using Google.Protobuf;
using Onnx;
using LayerProbe.Networks;

namespace LayerProbe.Training;

/// <summary>
/// R-CNN fine-tuning set-up as ONNX graph surgery plus multipliers (docs/method.md §1.5): replace the classifier by an
/// N-way layer (Gaussian std 0.01, bias 0, lr ×10 weights / ×20 biases); for <c>FC-FT</c> also freeze every parameter
/// of the nodes computing the boundary below the fully connected stack and re-initialise the fully connected layers
/// between the boundary and the classifier (fc6/fc7: Gaussian 0.005, bias 1). Classifier, stack and boundary are read
/// from the graph (<see cref="ClassifierLayer"/>), whatever the layers are called. The result is a valid ONNX model.
/// </summary>
public static class FineTuning
{
    /// <summary>
    /// Prepares <paramref name="model"/> for fine-tuning to <paramref name="classes"/> outputs (e.g. 21 = 20 VOC classes +
    /// background) and returns the multipliers that go with <paramref name="mode"/>. <paramref name="classifier"/> names
    /// the classifier node (null: found from the graph).
    /// </summary>
    public static (ModelProto Model, LrMultipliers Multipliers) Prepare(ModelProto model, int classes, FineTuningMode mode,
        int seed, string? classifier = null, string source = "model")
    {
        var prepared = ReplaceClassifier(model, classes, seed, classifier, source);
        if (mode == FineTuningMode.FcOnly)
            prepared = Reinitialise(prepared, HiddenFcNodes(prepared, classifier, source), 0.005f, 1f, seed + 1);
        return (prepared, Multipliers(prepared, mode, classifier, source));
    }

    /// <summary>
    /// The one fine-tuning set-up every path uses (<c>layerprobe train --finetune</c>, the studies' recipe): the network
    /// prepared by <see cref="ForNetwork"/> (a classifier replaced, or one appended to a headless network; for fc-only
    /// with <paramref name="heFcInit"/>, fc6/fc7 re-drawn with He initialisation instead), its multipliers with
    /// <paramref name="alsoFrozen"/> frozen as well, and <paramref name="inputConvention"/> (a preset's name) recorded in
    /// the graph's metadata when it has none, so that snapshots are probed and resumed in the convention they were fed in.
    /// <c>Appended</c> says whether a classifier was appended.
    /// </summary>
    public static (Networks.OnnxNetwork Network, LrMultipliers Multipliers, bool Appended) Prepare(Networks.OnnxNetwork start, int classes,
        FineTuningMode mode, int seed, string? classifier = null, bool heFcInit = false, IEnumerable<string>? alsoFrozen = null,
        string? inputConvention = null)
    {
        var (model, multipliers, appended) = ForNetwork(start, classes, mode, seed, classifier);
        if (mode == FineTuningMode.FcOnly && heFcInit && !appended) model = HeInit.Apply(model, seed + 1, HiddenFcNodes(model, classifier, start.Path));
        foreach (var layer in alsoFrozen ?? []) multipliers.Freeze([layer]);
        if (inputConvention is not null && !model.MetadataProps.Any(p => p.Key == Data.InputConvention.MetadataKey))
            model.MetadataProps.Add(new StringStringEntryProto { Key = Data.InputConvention.MetadataKey, Value = inputConvention });
        return (Networks.OnnxNetwork.FromBytes(model.ToByteArray(), start.Path, originSha256: start.OriginSha256), multipliers, appended);
    }

    /// <summary>
    /// Prepares any network for fine-tuning to <paramref name="classes"/> outputs: one with a classifier (found from
    /// the graph, or named by <paramref name="classifier"/>) has it replaced as in <see cref="Prepare"/>; a headless
    /// feature extractor (no classifier in the graph and none named, e.g. the NuGet ResNet-18 ending at pool5) gets a new
    /// one appended on its output (<see cref="AppendedClassifier"/>, Gaussian std 0.01, bias 0) at lr ×10/×20, and for
    /// fc-only everything below it frozen. <c>Appended</c> says which happened.
    /// </summary>
    public static (ModelProto Model, LrMultipliers Multipliers, bool Appended) ForNetwork(OnnxNetwork network, int classes, FineTuningMode mode,
        int seed, string? classifier = null)
    {
        if (classifier is not null || ClassifierLayer.TryFind(network.Model) is not null)
        {
            var (model, multipliers) = Prepare(network.Model, classes, mode, seed, classifier, network.Path);
            return (model, multipliers, false);
        }
        string output = network.Model.Graph.Output.Count > 0 ? network.Model.Graph.Output[0].Name
            : throw LayerProbeException.For(network.Path, "the graph has no output to put a classifier on");
        var shape = LayerTable.Read(network).FirstOrDefault(l => l.Value == output)?.Shape
            ?? throw LayerProbeException.For(network.Path, $"the output '{output}' is not a float activation of the image; name the classifier with --classifier");
        var appended = AppendedClassifier.Append(network.Model, shape.Aggregate(1, (a, b) => checked(a * b)), classes, seed, network.Path);
        return (appended, Multipliers(appended, mode, null, network.Path), true);
    }

    /// <summary>
    /// The multipliers of <paramref name="mode"/> for a network whose classifier is already the task's (also on resume):
    /// the classifier node at ×10/×20; for fc-only every parameter-owning node that computes the boundary frozen.
    /// </summary>
    public static LrMultipliers Multipliers(ModelProto model, FineTuningMode mode, string? classifier = null, string source = "model")
    {
        var layer = ClassifierLayer.Find(model, classifier, source);
        var multipliers = new LrMultipliers();
        if (mode == FineTuningMode.FcOnly) multipliers.Freeze(FrozenNodes(model, layer));
        return multipliers.Layer(layer.LayerName, 10, 20);
    }

    /// <summary>The fully connected layers between the boundary and the classifier (fc6, fc7), as node keys in graph order.</summary>
    public static IReadOnlyList<string> HiddenFcNodes(ModelProto model, string? classifier = null, string source = "model") =>
        ClassifierLayer.Stack(model, ClassifierLayer.Find(model, classifier, source)).Hidden.Select(l => l.LayerName).ToList();

    /// <summary>
    /// Parameter-owning nodes that compute the fc-only boundary (every ancestor of the first fully connected layer's
    /// input): frozen by fc-only fine-tuning. Followed through the graph, so folded batch norm (<c>onnx::Conv_NNN</c>
    /// initializers) and Identity-tied weights are frozen like any other.
    /// </summary>
    public static IReadOnlyList<string> FrozenNodes(ModelProto model, ClassifierLayer classifier)
    {
        var (_, boundary) = ClassifierLayer.Stack(model, classifier);
        var producers = new Dictionary<string, NodeProto>();
        foreach (var node in model.Graph.Node)
            foreach (var o in node.Output.Where(o => o.Length > 0)) producers[o] = node;
        var ancestors = new HashSet<string>();
        var todo = new Stack<string>([boundary]);
        while (todo.Count > 0)
            if (producers.TryGetValue(todo.Pop(), out var node) && ancestors.Add(ParameterRoles.KeyOf(node)))
                foreach (var i in node.Input.Where(i => i.Length > 0)) todo.Push(i);
        return ParameterRoles.Of(model).Owners.Where(ancestors.Contains).ToList();
    }

    /// <summary>
    /// A copy of <paramref name="model"/> whose classifier has <paramref name="classes"/> outputs, weights Gaussian
    /// std <paramref name="std"/>, biases 0; declared output shapes (fc8, prob) follow. Softmax needs no change. A weight
    /// or bias tied (Identity) to another layer's gets its own initializer first, so no other layer changes.
    /// </summary>
    public static ModelProto ReplaceClassifier(ModelProto model, int classes, int seed, string? classifier = null,
        string source = "model", float std = 0.01f)
    {
        if (classes < 1) throw LayerProbeException.For(source, $"fine-tuning needs at least 1 class (got {classes})");
        var copy = model.Clone();
        var layer = ClassifierLayer.Find(copy, classifier, source);
        long[] dims = layer.Node.OpType == "Conv"
            ? [classes, .. layer.Weight.Dims.Skip(1)]
            : layer.Transposed ? [classes, layer.Inputs] : [layer.Inputs, classes];
        var init = new CaffeNet.GaussianInit(seed);
        Replace(Untie(copy, layer.Node, 1), dims, init.Sample(dims.Aggregate(1L, (a, b) => a * b), std));
        if (BiasSlot(layer) is var (node, slot)) Replace(Untie(copy, node, slot), [classes], new float[classes]);
        // The class axis of every declared shape downstream of the classifier (fc8 itself, prob) changes width.
        var downstream = Downstream(copy, layer.Node.Output[0]);
        foreach (var info in copy.Graph.Output.Concat(copy.Graph.ValueInfo).Where(v => downstream.Contains(v.Name)))
        {
            var shape = info.Type?.TensorType?.Shape;
            if (shape is not { Dim.Count: >= 2 }) continue;
            // Scores are [N, classes] (Gemm), [N, classes, 1, 1] (Conv) or [..., classes] (MatMul on a sequence).
            var axis = shape.Dim[1].DimValue == layer.Classes ? shape.Dim[1] : shape.Dim[^1].DimValue == layer.Classes ? shape.Dim[^1] : null;
            if (axis is not null) axis.DimValue = classes;
        }
        return copy;
    }

    /// <summary>
    /// A copy with the weights of the layer nodes <paramref name="nodes"/> redrawn (Gaussian <paramref name="std"/>, one
    /// generator in node order) and their biases set to <paramref name="bias"/>; tied blobs are untied first.
    /// </summary>
    public static ModelProto Reinitialise(ModelProto model, IEnumerable<string> nodes, float std, float bias, int seed)
    {
        var copy = model.Clone();
        var init = new CaffeNet.GaussianInit(seed);
        foreach (var key in nodes)
        {
            var layer = ClassifierLayer.Find(copy, key, "model");
            var weight = Untie(copy, layer.Node, 1);
            Replace(weight, weight.Dims.ToArray(), init.Sample(OnnxTensors.Count(weight), std));
            if (BiasSlot(layer) is var (node, slot))
            {
                var b = Untie(copy, node, slot);
                Replace(b, b.Dims.ToArray(), Enumerable.Repeat(bias, (int)OnnxTensors.Count(b)).ToArray());
            }
        }
        return copy;
    }

    /// <summary>Copies every initializer of <paramref name="head"/> (e.g. fc6–fc8 trained on cached pool5) into a copy of <paramref name="model"/>.</summary>
    public static ModelProto MergeHead(ModelProto model, ModelProto head)
    {
        var copy = model.Clone();
        var trained = head.Graph.Initializer.ToDictionary(i => i.Name);
        foreach (var init in copy.Graph.Initializer)
            if (trained.TryGetValue(init.Name, out var t))
            {
                if (!t.Dims.SequenceEqual(init.Dims))
                    throw new LayerProbeException($"merge head: '{init.Name}' is [{string.Join(",", t.Dims)}] in the head but [{string.Join(",", init.Dims)}] in the network");
                init.RawData = t.RawData;
                init.FloatData.Clear();
                init.DataType = t.DataType;
            }
        return copy;
    }

    /// <summary>Sets an initializer's dims and float values (raw data).</summary>
    internal static void Replace(TensorProto tensor, long[] dims, float[] values)
    {
        tensor.Dims.Clear();
        tensor.Dims.AddRange(dims);
        tensor.FloatData.Clear();
        tensor.DataType = OnnxTensors.Float;
        tensor.RawData = ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
    }

    /// <summary>The node and input slot holding a layer's bias (the Add of a MatMul layer), or null.</summary>
    static (NodeProto Node, int Slot)? BiasSlot(ClassifierLayer layer)
    {
        if (layer.BiasAdd is { } add) return (add, add.Input[0] == layer.Node.Output[0] ? 1 : 0);
        return layer.Bias is not null ? (layer.Node, 2) : null;
    }

    /// <summary>
    /// The initializer <paramref name="node"/> reads at <paramref name="slot"/>, made its own: a value that comes through
    /// an Identity from a shared initializer, or an initializer other nodes read too, becomes a copy only this node uses.
    /// </summary>
    static TensorProto Untie(ModelProto model, NodeProto node, int slot)
    {
        var graph = model.Graph;
        string value = node.Input[slot];
        var readers = graph.Node.Count(n => n.Input.Contains(value));
        var own = graph.Initializer.FirstOrDefault(i => i.Name == value);
        if (own is not null && readers == 1) return own;
        var identity = graph.Node.FirstOrDefault(n => n.OpType == "Identity" && n.Output.Contains(value));
        string root = value;
        for (var id = identity; id is not null; id = graph.Node.FirstOrDefault(n => n.OpType == "Identity" && n.Output.Contains(root)))
            root = id.Input[0];
        var copy = graph.Initializer.First(i => i.Name == root).Clone();
        if (identity is not null && readers == 1)
        {
            graph.Node.Remove(identity);
            copy.Name = value;
        }
        else
        {
            var names = graph.Initializer.Select(i => i.Name).Concat(graph.Node.SelectMany(n => n.Output)).ToHashSet();
            string name = $"{value}.{ParameterRoles.KeyOf(node)}";
            for (int k = 2; names.Contains(name); k++) name = $"{value}.{ParameterRoles.KeyOf(node)}.{k}";
            copy.Name = name;
            node.Input[slot] = name;
        }
        graph.Initializer.Add(copy);
        return copy;
    }

    static HashSet<string> Downstream(ModelProto model, string value)
    {
        var reached = new HashSet<string> { value };
        foreach (var node in model.Graph.Node)
            if (node.Input.Any(reached.Contains))
                foreach (var o in node.Output) reached.Add(o);
        return reached;
    }
}
