using LayerProbe.Data;

namespace LayerProbe.Training;

/// <summary>
/// Single-label image items — an image folder with one sub-folder per class, VOC ground-truth boxes (R-CNN warp with
/// context), a Fashion-MNIST split — as training data for image-level fine-tuning. Each item is decoded and
/// preprocessed the network's way (<see cref="IPreprocessor"/>) when a batch draws it, so RAM holds one batch, not
/// the data set. The label is the item's class index.
/// </summary>
public sealed class ImageItemsTrainingSource : ITrainingSource
{
    readonly ILabelledItemSet _items;
    readonly IPreprocessor _preprocessor;
    readonly int[] _classOf;

    /// <summary>Wraps <paramref name="items"/>; multi-label or empty sets are a one-line error.</summary>
    public ImageItemsTrainingSource(ILabelledItemSet items, IPreprocessor preprocessor)
    {
        _classOf = items.Labels.ClassIndex ?? throw new LayerProbeException(
            $"{items.Name}: image-level training needs one class per item; these items are multi-label " +
            "(for VOC use voc2007:DEVKIT:SPLIT:gt-boxes, or voc2007-windows: for R-CNN windows)");
        if (items.Count == 0) throw new LayerProbeException($"{items.Name}: no items to train on");
        (_items, _preprocessor) = (items, preprocessor);
        ItemShape = [preprocessor.Channels, preprocessor.Height, preprocessor.Width];
    }

    /// <inheritdoc/>
    public string Name => $"{_items.Name} ({_preprocessor.Description})";
    /// <inheritdoc/>
    public int Count => _items.Count;
    /// <inheritdoc/>
    public int Classes => ClassNames.Count;
    /// <summary>Class names; label k is ClassNames[k].</summary>
    public IReadOnlyList<string> ClassNames => _items.Labels.Classes;
    /// <inheritdoc/>
    public IReadOnlyList<int>? ItemsPerClass => ITrainingSource.CountPerClass(_classOf, Classes);
    /// <inheritdoc/>
    public string ClassName(int label) => ClassNames[label];
    /// <inheritdoc/>
    public int[] ItemShape { get; }

    /// <inheritdoc/>
    public void Fill(ReadOnlySpan<int> indices, Span<float> inputs, Span<long> labels)
    {
        int length = ItemShape[0] * ItemShape[1] * ItemShape[2];
        for (int j = 0; j < indices.Length; j++)
        {
            var (image, region) = _items.Load(indices[j]);
            _preprocessor.Fill(image, region, inputs.Slice(j * length, length));
            labels[j] = _classOf[indices[j]];
        }
    }
}
