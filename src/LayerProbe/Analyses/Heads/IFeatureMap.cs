namespace LayerProbe.Analyses.Heads;

/// <summary>An explicit feature map φ such that φ(x)·φ(y) approximates a non-linear kernel k(x, y), so a linear SVM on
/// φ(x) approximates a kernel SVM (paper §4.3 / docs/method.md §4 E13 "non-linear classifiers on pool5").</summary>
public interface IFeatureMap
{
    /// <summary>Name for tables and manifests.</summary>
    string Name { get; }
    /// <summary>Settings recorded in manifests.</summary>
    IReadOnlyDictionary<string, object?> Settings { get; }
    /// <summary>Output dimensions for <paramref name="inputDimensions"/> inputs.</summary>
    int OutputDimensions(int inputDimensions);
    /// <summary>Maps one row.</summary>
    void Map(ReadOnlySpan<float> x, Span<float> z);
}
