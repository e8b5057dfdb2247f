using Onnx;
using LayerProbe.Networks;

namespace LayerProbe.Training;

/// <summary>
/// The layer producing the class scores (fc8 in CaffeNet): its node, weight and bias initializers and width. Used to
/// check the class count against the data and to replace the classifier for fine-tuning.
/// </summary>
/// <param name="Node">The Gemm or Conv node producing the scores.</param>
/// <param name="Weight">Weight initializer.</param>
/// <param name="Bias">Bias initializer, or null.</param>
/// <param name="Classes">Number of outputs.</param>
/// <param name="Inputs">Number of inputs per output.</param>
/// <param name="Transposed">True when the weight is stored [outputs, inputs] (Gemm transB = 1, Conv).</param>
public sealed record ClassifierLayer(NodeProto Node, TensorProto Weight, TensorProto? Bias, int Classes, int Inputs, bool Transposed)
{
    /// <summary>Finds the classifier producing <paramref name="value"/> (paper name or graph value) in <paramref name="model"/>.</summary>
    public static ClassifierLayer Find(ModelProto model, string value, string source)
    {
        var aliases = LayerAliases.For(model);
        string name = aliases.TryResolve(value, out var v) ? v : value;
        var node = model.Graph.Node.FirstOrDefault(n => n.Output.Contains(name))
            ?? throw LayerProbeException.For(source, $"no node produces the classifier value '{value}'" +
                $" (the graph ends at {string.Join(", ", model.Graph.Output.Select(o => $"'{o.Name}'"))}; fine-tuning replaces an existing classifier layer," +
                " so a feature extractor without one, like the NuGet ResNet-18, cannot be fine-tuned here)");
        var inits = model.Graph.Initializer.ToDictionary(i => i.Name);
        TensorProto? Init(int slot) => slot < node.Input.Count && inits.TryGetValue(node.Input[slot], out var t) ? t : null;
        var weight = Init(1) ?? throw LayerProbeException.For(source, $"classifier '{value}' ({node.OpType}) has no weight initializer");
        switch (node.OpType)
        {
            case "Gemm" when weight.Dims.Count == 2:
                bool transB = node.Attribute.Any(a => a.Name == "transB" && a.I != 0);
                return new(node, weight, Init(2), (int)weight.Dims[transB ? 0 : 1], (int)weight.Dims[transB ? 1 : 0], transB);
            case "Conv":
                return new(node, weight, Init(2), (int)weight.Dims[0], (int)(OnnxTensors.Count(weight) / weight.Dims[0]), true);
            default:
                throw LayerProbeException.For(source, $"classifier '{value}' is a {node.OpType} node; only Gemm and Conv classifiers are supported");
        }
    }

    /// <summary>Layer name of the classifier's parameters (prefix of the weight name before the first dot).</summary>
    public string LayerName => Weight.Name.Split('.')[0];
}
