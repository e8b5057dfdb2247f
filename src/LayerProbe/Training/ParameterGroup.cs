using TorchSharp.Modules;

namespace LayerProbe.Training;

/// <summary>One trainable blob with Caffe's per-parameter multipliers (<c>lr_mult</c>, <c>decay_mult</c>).</summary>
/// <param name="Name">Parameter name, e.g. <c>fc8.weight</c>.</param>
/// <param name="Parameter">The TorchSharp parameter.</param>
/// <param name="LrMult">Learning-rate multiplier; 0 freezes the blob.</param>
/// <param name="DecayMult">Weight-decay multiplier.</param>
public sealed record ParameterGroup(string Name, Parameter Parameter, double LrMult, double DecayMult)
{
    /// <summary>True when the solver never changes this blob.</summary>
    public bool Frozen => LrMult == 0;
}
