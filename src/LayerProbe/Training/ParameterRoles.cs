using Onnx;
using LayerProbe.Networks;

namespace LayerProbe.Training;

/// <summary>What a parameter is to the node that uses it (Caffe's blob 0 / blob 1 of a layer).</summary>
public enum ParameterRole
{
    /// <summary>The weight input of Conv, Gemm or MatMul: lr ×1, decay ×1 by default.</summary>
    Weight,
    /// <summary>The bias input of Conv or Gemm, or the initializer added to a MatMul's output: lr ×2, decay ×0.</summary>
    Bias,
    /// <summary>Any other learned blob (normalisation scale/shift, layer scale): lr ×1, decay ×0.</summary>
    Other,
}

/// <summary>One use of a parameter: the layer node it belongs to and its role there.</summary>
/// <param name="Node">Key of the owning node (<see cref="ParameterRoles.KeyOf"/>): the Conv/Gemm/MatMul for weights and biases.</param>
/// <param name="Role">Weight, bias or other.</param>
public readonly record struct ParameterUse(string Node, ParameterRole Role);

/// <summary>
/// Which node owns each float initializer of a graph and as what, read from the graph's structure, never from names:
/// a Conv's input 1 is its weight and input 2 its bias, whatever they are called; an initializer added to a MatMul's
/// output is that MatMul's bias. Values produced by Identity nodes from an initializer (exporters tie equal
/// initializers this way, e.g. all-zero biases of unrelated layers) are uses of that one initializer.
/// </summary>
public sealed class ParameterRoles
{
    readonly Dictionary<string, List<ParameterUse>> _uses = new(StringComparer.Ordinal);
    readonly Dictionary<string, string> _nodeByName = new(StringComparer.Ordinal);
    readonly List<string> _owners = [];

    ParameterRoles() { }

    /// <summary>The roles in <paramref name="model"/>.</summary>
    public static ParameterRoles Of(ModelProto model)
    {
        var roles = new ParameterRoles();
        var roots = InitializerRoots(model);
        var producers = new Dictionary<string, NodeProto>();
        foreach (var node in model.Graph.Node)
            foreach (var o in node.Output.Where(o => o.Length > 0)) producers[o] = node;
        foreach (var node in model.Graph.Node)
        {
            string key = KeyOf(node);
            roles._nodeByName.TryAdd(key, key);
            foreach (var o in node.Output.Where(o => o.Length > 0)) roles._nodeByName.TryAdd(o, key);
            if (node.OpType == "Identity") continue;
            for (int slot = 0; slot < node.Input.Count; slot++)
            {
                if (!roots.TryGetValue(node.Input[slot], out var parameter)) continue;
                roles.Add(parameter, UseOf(node, slot, roots, producers));
            }
        }
        return roles;
    }

    /// <summary>The key a node is addressed by: its name, or its first output when unnamed.</summary>
    public static string KeyOf(NodeProto node) => node.Name.Length > 0 ? node.Name : node.Output[0];

    /// <summary>Uses of one initializer (empty when no node uses it as a parameter).</summary>
    public IReadOnlyList<ParameterUse> UsesOf(string parameter) =>
        _uses.TryGetValue(parameter, out var uses) ? uses : [];

    /// <summary>Float initializers used by some node, in the order first used.</summary>
    public IEnumerable<string> Parameters => _uses.Keys;

    /// <summary>Keys of the nodes that own parameters, in graph order.</summary>
    public IReadOnlyList<string> Owners => _owners;

    /// <summary>Initializers owned by <paramref name="node"/> in <paramref name="role"/> (every role when null).</summary>
    public IEnumerable<string> ParametersOf(string node, ParameterRole? role = null) =>
        _uses.Where(u => u.Value.Any(x => x.Node == node && (role is null || x.Role == role))).Select(u => u.Key);

    /// <summary>The owning-node key for a node name or a value it produces, or null.</summary>
    public string? ResolveNode(string nameOrValue) => _nodeByName.GetValueOrDefault(nameOrValue);

    void Add(string parameter, ParameterUse use)
    {
        if (!_uses.TryGetValue(parameter, out var list)) _uses[parameter] = list = [];
        if (!list.Contains(use)) list.Add(use);
        if (!_owners.Contains(use.Node)) _owners.Add(use.Node);
    }

    static ParameterUse UseOf(NodeProto node, int slot, IReadOnlyDictionary<string, string> roots, IReadOnlyDictionary<string, NodeProto> producers)
    {
        string key = KeyOf(node);
        switch (node.OpType)
        {
            case "Conv" or "ConvTranspose" or "Gemm":
                return new(key, slot == 2 ? ParameterRole.Bias : ParameterRole.Weight);
            case "MatMul":
                return new(key, ParameterRole.Weight);
            case "Add":
                // y = MatMul(x, W) + b: b is the bias of that MatMul (a Linear layer exported without Gemm).
                var other = node.Input.Where((v, i) => i != slot).FirstOrDefault(v => !roots.ContainsKey(v));
                if (other is not null && producers.TryGetValue(other, out var p) && p.OpType == "MatMul")
                    return new(KeyOf(p), ParameterRole.Bias);
                return new(key, ParameterRole.Other);
            default:
                return new(key, ParameterRole.Other);
        }
    }

    /// <summary>Float, non-scalar initializers and every Identity output that is one of them, mapped to the initializer.</summary>
    static Dictionary<string, string> InitializerRoots(ModelProto model)
    {
        var roots = model.Graph.Initializer.Where(i => i.DataType == OnnxTensors.Float && i.Dims.Count > 0)
            .ToDictionary(i => i.Name, i => i.Name, StringComparer.Ordinal);
        foreach (var node in model.Graph.Node.Where(n => n.OpType == "Identity"))
            if (roots.TryGetValue(node.Input[0], out var root)) roots[node.Output[0]] = root;
        return roots;
    }
}
