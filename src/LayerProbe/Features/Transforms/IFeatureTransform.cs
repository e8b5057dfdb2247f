namespace LayerProbe.Features.Transforms;

/// <summary>What a transform was run with, for manifests (docs/method.md §3).</summary>
public sealed record TransformSettings(string Name, int? Seed = null);

/// <summary>
/// A feature transformation of docs/method.md §3, applied to one item's C×H×W feature at a time (identically to train and
/// test items). Implementations are stateless apart from their settings, so rows can be transformed in any order and
/// on any thread with the same result.
/// </summary>
public interface IFeatureTransform
{
    /// <summary>Registry name (e.g. "sp-max").</summary>
    string Name { get; }
    /// <summary>Settings recorded in manifests.</summary>
    TransformSettings Settings { get; }
    /// <summary>Whether the transform is meaningful for layers without spatial extent (only unroll and binarize are).</summary>
    bool AppliesToFullyConnected { get; }
    /// <summary>True when the output is the input unchanged (rows can be passed through without a copy).</summary>
    bool IsIdentity => false;
    /// <summary>Values per transformed item.</summary>
    int OutputDimensions(FeatureShape shape);
    /// <summary>Transforms item <paramref name="item"/>'s feature <paramref name="input"/> (C·H·W values, Caffe order)
    /// into <paramref name="output"/> (<see cref="OutputDimensions"/> values).</summary>
    void Apply(int item, ReadOnlySpan<float> input, FeatureShape shape, Span<float> output);
}
