namespace LayerProbe.Training;

/// <summary>Which layers fine-tuning trains (docs/method.md §1.5).</summary>
public enum FineTuningMode
{
    /// <summary><c>FT</c>: every layer trains (×1/×2), the new classifier at ×10/×20.</summary>
    AllLayers,
    /// <summary><c>FC-FT</c>: conv layers frozen (lr 0), fc6/fc7 re-initialised (Gaussian 0.005, bias 1), new classifier ×10/×20.</summary>
    FcOnly,
}
