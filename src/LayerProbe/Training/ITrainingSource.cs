namespace LayerProbe.Training;

/// <summary>
/// Labelled items a <see cref="Trainer"/> draws batches from: images already preprocessed (mean subtracted, channel
/// order fixed) at their stored size, or cached features (e.g. pool5 activations for fc-only fine-tuning). Random
/// crops and mirroring are the trainer's <see cref="Augmentation"/>, not the source's.
/// </summary>
public interface ITrainingSource
{
    /// <summary>What the items are (recorded in manifests), e.g. <c>fashion-mnist train</c>.</summary>
    string Name { get; }
    /// <summary>Number of items.</summary>
    int Count { get; }
    /// <summary>Number of classes; labels are 0 … Classes − 1.</summary>
    int Classes { get; }
    /// <summary>Item shape [channels, height, width] as stored (before cropping).</summary>
    int[] ItemShape { get; }

    /// <summary>
    /// Writes the items at <paramref name="indices"/> into <paramref name="inputs"/> (NCHW, item after item) and their
    /// labels into <paramref name="labels"/>.
    /// </summary>
    void Fill(ReadOnlySpan<int> indices, Span<float> inputs, Span<long> labels);

    /// <summary>Items of each class, or null when the source cannot tell without reading its items.</summary>
    IReadOnlyList<int>? ItemsPerClass => null;

    /// <summary>The name of class <paramref name="label"/> in messages (its index unless the source knows better).</summary>
    string ClassName(int label) => label.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Counts <paramref name="labels"/> per class (0 … <paramref name="classes"/> − 1).</summary>
    static IReadOnlyList<int> CountPerClass(IEnumerable<int> labels, int classes)
    {
        var counts = new int[classes];
        foreach (int l in labels) if ((uint)l < (uint)classes) counts[l]++;
        return counts;
    }
}
