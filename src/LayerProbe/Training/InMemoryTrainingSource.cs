namespace LayerProbe.Training;

/// <summary>
/// A <see cref="ITrainingSource"/> over arrays in memory: preprocessed images, synthetic items in tests, or cached
/// layer activations (pool5 features for fc-only fine-tuning without a conv forward pass).
/// </summary>
public sealed class InMemoryTrainingSource : ITrainingSource
{
    readonly float[] _items;
    readonly int[] _labels;
    readonly int _itemSize;

    /// <summary>Wraps <paramref name="items"/> (item after item, each of <paramref name="itemShape"/>) and labels.</summary>
    public InMemoryTrainingSource(string name, float[] items, int[] labels, int[] itemShape, int classes)
    {
        if (itemShape.Length != 3 || itemShape.Any(d => d <= 0))
            throw new LayerProbeException($"{name}: item shape must be [channels, height, width] with positive sizes");
        _itemSize = itemShape[0] * itemShape[1] * itemShape[2];
        if ((long)labels.Length * _itemSize != items.LongLength)
            throw new LayerProbeException($"{name}: {items.LongLength} values do not make {labels.Length} items of {_itemSize}");
        int bad = Array.FindIndex(labels, l => l < 0 || l >= classes);
        if (bad >= 0) throw new LayerProbeException($"{name}: item {bad} has label {labels[bad]}, outside 0…{classes - 1}");
        Name = name;
        _items = items;
        _labels = labels;
        ItemShape = itemShape;
        Classes = classes;
    }

    /// <inheritdoc/>
    /// <inheritdoc/>
    public IReadOnlyList<int>? ItemsPerClass => ITrainingSource.CountPerClass(_labels, Classes);
    public string Name { get; }
    /// <inheritdoc/>
    public int Count => _labels.Length;
    /// <inheritdoc/>
    public int Classes { get; }
    /// <inheritdoc/>
    public int[] ItemShape { get; }

    /// <inheritdoc/>
    public void Fill(ReadOnlySpan<int> indices, Span<float> inputs, Span<long> labels)
    {
        for (int i = 0; i < indices.Length; i++)
        {
            int item = indices[i];
            _items.AsSpan(item * _itemSize, _itemSize).CopyTo(inputs.Slice(i * _itemSize, _itemSize));
            labels[i] = _labels[item];
        }
    }
}
