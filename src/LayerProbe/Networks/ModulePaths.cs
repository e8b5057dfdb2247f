using Onnx;

namespace LayerProbe.Networks;

/// <summary>
/// Readable layer names from the module scopes exporters write into node names: PyTorch names a node
/// <c>/layer3/layer3.1/relu_1/Relu</c> (scopes, then the operator), so its modules are <c>layer3</c>, <c>layer3.1</c> and
/// <c>layer3.1.relu_1</c> (a scope that extends its parent's name, like <c>layer3.1</c> under <c>layer3</c>, is already
/// qualified; others are appended with a dot, as in <c>features.denseblock1.denselayer1</c>). The output of a module is the
/// last activation (<see cref="ActivationValues"/>) produced by a node inside its scope. Graphs without such scopes
/// (Caffe, CNTK exports) get no names here.
/// </summary>
public static class ModulePaths
{
    /// <summary>(module name, output value) pairs in the order the modules finish; an outer module with its last child, named first.</summary>
    public static List<(string Name, string Value)> Of(ModelProto model, IReadOnlyCollection<string> activations)
    {
        var active = activations as IReadOnlySet<string> ?? activations.ToHashSet();
        var lastOutput = new Dictionary<string, (string Value, int Index)>();
        int index = 0;
        foreach (var node in model.Graph.Node)
        {
            index++;
            var value = node.OpType == "Identity" ? null : node.Output.FirstOrDefault(active.Contains); // copies are not layers
            if (value is null) continue;
            foreach (var module in Modules(node.Name)) lastOutput[module] = (value, index);
        }
        // finish order; at a tie the outer module first (it ends with the same node as its last child)
        return lastOutput.OrderBy(p => p.Value.Index).ThenBy(p => p.Key.Length)
            .Select(p => (p.Key, p.Value.Value)).ToList();
    }

    /// <summary>The qualified module names of a node name's scopes, outermost first (none without a <c>/</c> scope).</summary>
    public static IEnumerable<string> Modules(string nodeName)
    {
        if (!nodeName.StartsWith('/')) yield break;
        var segments = nodeName.Split('/', StringSplitOptions.RemoveEmptyEntries);
        string qualified = "", previous = "";
        for (int i = 0; i < segments.Length - 1; i++) // the last segment is the operator (Relu, Conv_3, …)
        {
            var s = segments[i];
            qualified = qualified.Length == 0 ? s
                : previous.Length > 0 && s.StartsWith(previous + ".", StringComparison.Ordinal) ? qualified + s[previous.Length..]
                : qualified + "." + s;
            previous = s;
            yield return qualified;
        }
    }
}
