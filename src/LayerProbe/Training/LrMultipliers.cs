using TorchSharp.Modules;

namespace LayerProbe.Training;

/// <summary>
/// Assigns Caffe multipliers to parameters by name: weights ×1 lr / ×1 decay, biases ×2 lr / ×0 decay (the
/// bvlc_reference_caffenet and R-CNN prototxts), overridden per layer — e.g. a new classifier at ×10/×20
/// (R-CNN fc8) or frozen conv layers at 0 (fc-only fine-tuning).
/// </summary>
public sealed class LrMultipliers
{
    readonly Dictionary<string, (double Weight, double Bias)> _layerLr = new(StringComparer.Ordinal);

    /// <summary>Scales the lr of one layer's weights and biases (layer = parameter name before the first dot).</summary>
    public LrMultipliers Layer(string layer, double weightLr, double biasLr)
    {
        _layerLr[layer] = (weightLr, biasLr);
        return this;
    }

    /// <summary>Freezes the named layers (lr 0 for weights and biases).</summary>
    public LrMultipliers Freeze(IEnumerable<string> layers)
    {
        foreach (var layer in layers) Layer(layer, 0, 0);
        return this;
    }

    /// <summary>Layers with an explicit setting (used to validate names against a network).</summary>
    public IEnumerable<string> ConfiguredLayers => _layerLr.Keys;

    /// <summary>Groups the named parameters with their multipliers.</summary>
    public IReadOnlyList<ParameterGroup> Apply(IEnumerable<(string Name, Parameter Parameter)> parameters) =>
        parameters.Select(p =>
        {
            bool bias = IsBias(p.Name, p.Parameter);
            string layer = p.Name.Split('.')[0];
            var (weightLr, biasLr) = _layerLr.TryGetValue(layer, out var m) ? m : (1.0, 2.0);
            return new ParameterGroup(p.Name, p.Parameter, bias ? biasLr : weightLr, bias ? 0 : 1);
        }).ToList();

    static bool IsBias(string name, Parameter parameter) =>
        name.EndsWith("bias", StringComparison.OrdinalIgnoreCase) || parameter.dim() == 1;
}
