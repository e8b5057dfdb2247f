namespace LayerProbe.Training;

/// <summary>Which pool a labelled window joins under a <see cref="WindowRule"/>.</summary>
public enum WindowRole
{
    /// <summary>Trained on with its class.</summary>
    Foreground,
    /// <summary>Trained on with label 0.</summary>
    Background,
    /// <summary>Neither: between the background and foreground thresholds.</summary>
    Ignored,
}
