using Onnx;
using LayerProbe.Networks;

namespace LayerProbe.Training;

/// <summary>
/// He ("MSRA") initialisation: every weight blob Gaussian with std √(2 / fan-in), biases 0. Not the paper's recipe
/// (CaffeNet's fixed 0.01/0.005 Gaussians, docs/method.md §1.4) but a from-scratch option for small CPU demos, where the
/// paper's initialisation sits on the ln(classes) loss plateau for many iterations.
/// </summary>
public static class HeInit
{
    /// <summary>A copy of <paramref name="model"/> with every parameterised layer re-drawn, weight k (initializer order) with seed <paramref name="seed"/> + k.</summary>
    public static ModelProto Apply(ModelProto model, int seed) => Apply(model, seed, null);

    /// <summary>
    /// As <see cref="Apply(ModelProto, int)"/> for the weights of the named layer nodes only (null: all), e.g. the fully
    /// connected layers re-drawn for fc-only fine-tuning (<see cref="FineTuning.HiddenFcNodes"/>); their biases become 0.
    /// </summary>
    public static ModelProto Apply(ModelProto model, int seed, IReadOnlyCollection<string>? nodes)
    {
        var copy = model.Clone();
        var roles = ParameterRoles.Of(copy);
        var initializers = copy.Graph.Initializer.ToDictionary(i => i.Name);
        var weights = copy.Graph.Initializer.Where(i => i.DataType == OnnxTensors.Float && i.Dims.Count > 1 &&
            (nodes is null || roles.UsesOf(i.Name).Any(u => u.Role == ParameterRole.Weight && nodes.Contains(u.Node)))).ToList();
        for (int k = 0; k < weights.Count; k++)
        {
            var weight = weights[k];
            double fanIn = OnnxTensors.Count(weight) / (double)weight.Dims[0];
            FineTuning.Replace(weight, [.. weight.Dims], new CaffeNet.GaussianInit(seed + k).Sample(OnnxTensors.Count(weight), (float)Math.Sqrt(2 / fanIn)));
            foreach (var owner in roles.UsesOf(weight.Name).Where(u => u.Role == ParameterRole.Weight))
                foreach (var bias in roles.ParametersOf(owner.Node, ParameterRole.Bias))
                    FineTuning.Replace(initializers[bias], [.. initializers[bias].Dims], new float[OnnxTensors.Count(initializers[bias])]);
        }
        return copy;
    }
}
