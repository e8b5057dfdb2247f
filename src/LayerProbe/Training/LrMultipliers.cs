using Onnx;
using TorchSharp.Modules;

namespace LayerProbe.Training;

/// <summary>
/// Assigns Caffe multipliers to parameters through the nodes that use them (<see cref="ParameterRoles"/>): weights ×1
/// lr / ×1 decay, biases ×2 lr / ×0 decay (the bvlc_reference_caffenet and R-CNN prototxts), other learned blobs
/// (normalisation scale/shift) ×1 / ×0, overridden per layer node — e.g. a new classifier at ×10/×20 (R-CNN fc8) or
/// frozen layers at 0 (fc-only fine-tuning). A layer is a node (by name or by a value it produces), never a name prefix.
/// A parameter shared by several nodes is frozen when any of them is frozen, so a frozen layer never moves.
/// </summary>
public sealed class LrMultipliers
{
    readonly Dictionary<string, (double Weight, double Bias)> _layerLr = new(StringComparer.Ordinal);

    /// <summary>Scales the lr of one layer node's weights and biases (node name, or a value the node produces).</summary>
    public LrMultipliers Layer(string node, double weightLr, double biasLr)
    {
        _layerLr[node] = (weightLr, biasLr);
        return this;
    }

    /// <summary>Freezes the named layer nodes (lr 0 for weights and biases).</summary>
    public LrMultipliers Freeze(IEnumerable<string> nodes)
    {
        foreach (var node in nodes) Layer(node, 0, 0);
        return this;
    }

    /// <summary>Layers with an explicit setting (used to validate names against a network).</summary>
    public IEnumerable<string> ConfiguredLayers => _layerLr.Keys;

    /// <summary>Configured names that are no parameter-owning node of the graph.</summary>
    public IReadOnlyList<string> Unknown(ParameterRoles roles) =>
        _layerLr.Keys.Where(l => roles.ResolveNode(l) is not { } n || !roles.Owners.Contains(n)).ToList();

    /// <summary>Groups the network's parameters with their multipliers, roles read from <paramref name="model"/>.</summary>
    public IReadOnlyList<ParameterGroup> Apply(ModelProto model, IEnumerable<(string Name, Parameter Parameter)> parameters) =>
        Apply(ParameterRoles.Of(model), parameters);

    /// <summary>Groups the named parameters with their multipliers.</summary>
    public IReadOnlyList<ParameterGroup> Apply(ParameterRoles roles, IEnumerable<(string Name, Parameter Parameter)> parameters)
    {
        var byNode = new Dictionary<string, (double Weight, double Bias)>(StringComparer.Ordinal);
        foreach (var (name, m) in _layerLr)
            if (roles.ResolveNode(name) is { } node) byNode[node] = m;
        return parameters.Select(p =>
        {
            var uses = roles.UsesOf(p.Name);
            var role = uses.Count > 0 ? uses[0].Role : ParameterRole.Other;
            var overrides = uses.Where(u => byNode.ContainsKey(u.Node)).Select(u => byNode[u.Node]).ToList();
            (double Weight, double Bias) chosen = overrides.Count == 0 ? (1.0, 2.0)
                : overrides.Any(o => o.Weight == 0 && o.Bias == 0) ? (0.0, 0.0) : overrides[0];
            var (weightLr, biasLr) = chosen;
            double lr = role == ParameterRole.Bias ? biasLr : weightLr;
            return new ParameterGroup(p.Name, p.Parameter, lr, role == ParameterRole.Weight ? 1 : 0);
        }).ToList();
    }
}
