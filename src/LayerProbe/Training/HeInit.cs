using Onnx;
using LayerProbe.Networks;

namespace LayerProbe.Training;

/// <summary>
/// He ("MSRA") initialisation: every weight blob Gaussian with std √(2 / fan-in), biases 0. Not the paper's recipe
/// (CaffeNet's fixed 0.01/0.005 Gaussians, METHOD.md §1.4) but a from-scratch option for small CPU demos, where the
/// paper's initialisation sits on the ln(classes) loss plateau for many iterations.
/// </summary>
public static class HeInit
{
    /// <summary>A copy of <paramref name="model"/> with every parameterised layer re-drawn, layer k with seed <paramref name="seed"/> + k.</summary>
    public static ModelProto Apply(ModelProto model, int seed) => Apply(model, seed, null);

    /// <summary>As <see cref="Apply(ModelProto, int)"/> for the named layers only (null: all), e.g. fc6/fc7 re-drawn for fc-only fine-tuning.</summary>
    public static ModelProto Apply(ModelProto model, int seed, IReadOnlyCollection<string>? layers)
    {
        var copy = model;
        var weights = model.Graph.Initializer.Where(i => i.DataType == OnnxTensors.Float && i.Dims.Count > 1 &&
            (layers is null || layers.Contains(i.Name.Split('.')[0]))).ToList();
        for (int k = 0; k < weights.Count; k++)
        {
            double fanIn = OnnxTensors.Count(weights[k]) / (double)weights[k].Dims[0];
            copy = FineTuning.Reinitialise(copy, [weights[k].Name.Split('.')[0]], (float)Math.Sqrt(2 / fanIn), 0f, seed + k);
        }
        return copy;
    }
}
