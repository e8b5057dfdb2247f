using LayerProbe.Data;

namespace LayerProbe.Training;

/// <summary>
/// Fashion-MNIST as training data for the CaffeNet-mini demo (the paper's "ImageNet" role): grey 28×28 images as
/// 1×H×W floats on Caffe's raw 0–255 scale minus the training-set mean pixel, optionally scaled and zero-padded (for
/// random crops back to 28×28).
/// </summary>
public static class FashionMnistTrainingSource
{
    /// <summary>Mean pixel of the Fashion-MNIST training split (0–255 scale).</summary>
    public const float MeanPixel = 72.94f;

    /// <summary>
    /// Split <c>train</c> or <c>t10k</c> (or <c>test</c>), the first <paramref name="limit"/> items (0 = all), as an
    /// in-memory source of (pixel − mean)·scale, padded by <paramref name="pad"/> pixels of zero (the mean colour) on every side.
    /// </summary>
    public static InMemoryTrainingSource Load(string split, int limit = 0, float scale = 1f, int pad = 0,
        string folder = FashionMnist.DefaultFolder)
    {
        var data = FashionMnist.Load(split, folder);
        int count = limit > 0 ? Math.Min(limit, data.Count) : data.Count;
        const int side = FashionMnist.Side;
        int padded = side + 2 * pad;
        var items = new float[(long)count * padded * padded];
        for (int n = 0; n < count; n++)
        {
            var grey = data.Grey(n);
            var item = items.AsSpan((int)((long)n * padded * padded), padded * padded);
            for (int y = 0; y < side; y++)
                for (int x = 0; x < side; x++)
                    item[(y + pad) * padded + x + pad] = (grey[y * side + x] - MeanPixel) * scale;
        }
        var labels = data.Labels.AsSpan(0, count).ToArray().Select(l => (int)l).ToArray();
        return new InMemoryTrainingSource($"fashion-mnist {data.Split}", items, labels, [1, padded, padded], FashionMnist.ClassNames.Count);
    }
}
