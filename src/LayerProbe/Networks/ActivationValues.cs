using Onnx;

namespace LayerProbe.Networks;

/// <summary>
/// Which graph values are activations of the image: float tensors computed from the image input (and weights) alone,
/// read off the graph's structure. Shape arithmetic (Shape, Size, their Gather/Concat/Unsqueeze descendants), constants,
/// comparisons, index outputs (MaxPool/TopK indices, Dropout masks) and anything that depends on another data input are
/// not. Only activations can be layers: names, extraction and the layer table never point at an int64 shape value.
/// </summary>
public static class ActivationValues
{
    /// <summary>Operators whose outputs are never activations (integer or boolean results).</summary>
    static readonly HashSet<string> NonFloatOps =
    [
        "Shape", "Size", "NonZero", "ArgMax", "ArgMin", "Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual",
        "Not", "And", "Or", "Xor", "IsNaN", "IsInf", "Range", "ConstantOfShape", "Constant",
    ];

    /// <summary>Operators whose every output is an activation (the others: only output 0 is).</summary>
    static readonly HashSet<string> AllOutputsOps = ["Split"];

    /// <summary>The activation values of <paramref name="model"/> fed through <paramref name="imageInput"/>, in graph order.</summary>
    public static IReadOnlyList<string> Of(ModelProto model, string imageInput)
    {
        var initializers = model.Graph.Initializer.Select(t => t.Name).ToHashSet();
        var otherInputs = model.Graph.Input.Select(i => i.Name).Where(n => n != imageInput && !initializers.Contains(n));
        var foreign = new HashSet<string>(otherInputs); // values that need another data input
        var active = new HashSet<string> { imageInput };
        var ordered = new List<string>();
        foreach (var node in model.Graph.Node)
        {
            var inputs = node.Input.Where(i => i.Length > 0).ToList();
            if (inputs.Any(foreign.Contains))
            {
                foreach (var o in node.Output) foreign.Add(o);
                continue;
            }
            if (!inputs.Any(active.Contains) || NonFloatOps.Contains(node.OpType) || !CastsToFloat(node)) continue;
            for (int k = 0; k < node.Output.Count; k++)
            {
                if (node.Output[k].Length == 0 || (k > 0 && !AllOutputsOps.Contains(node.OpType))) continue;
                active.Add(node.Output[k]);
                ordered.Add(node.Output[k]);
            }
        }
        return ordered;
    }

    static bool CastsToFloat(NodeProto node) =>
        node.OpType != "Cast" || node.Attribute.FirstOrDefault(a => a.Name == "to")?.I == OnnxTensors.Float;
}
