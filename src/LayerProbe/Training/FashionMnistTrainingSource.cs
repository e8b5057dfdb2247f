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

    /// <summary>Scale that brings (pixel − mean) to about unit variance (what <c>layerprobe train --data fashion-mnist</c> feeds).</summary>
    public const float UnitScale = 1f / 80;

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

    /// <summary>
    /// The items of <paramref name="classes"/> only, relabelled 0 … k−1 in the given order: <paramref name="perClass"/>
    /// per class chosen by <see cref="StratifiedSubset"/> with <paramref name="seed"/> (0 = every item of those classes).
    /// A task with its own label set, e.g. classes 5–9 fine-tuning a network pre-trained on classes 0–4.
    /// </summary>
    public static InMemoryTrainingSource Load(string split, IReadOnlyList<int> classes, int perClass, int seed, float scale = 1f,
        string folder = FashionMnist.DefaultFolder) => Load(FashionMnist.Load(split, folder), classes, perClass, seed, scale);

    /// <summary>The class-subset source of already loaded data (see the overload reading a split).</summary>
    public static InMemoryTrainingSource Load(FashionMnist data, IReadOnlyList<int> classes, int perClass, int seed, float scale = 1f)
    {
        int all = FashionMnist.ClassNames.Count;
        var position = ClassPositions.Of(classes, all, "fashion-mnist");
        var chosen = perClass > 0
            ? StratifiedSubset.Select(data.Labels, all, perClass, seed).Where(i => position.ContainsKey(data.Labels[i])).ToArray()
            : Enumerable.Range(0, data.Count).Where(i => position.ContainsKey(data.Labels[i])).ToArray();
        const int side = FashionMnist.Side;
        var items = new float[(long)chosen.Length * side * side];
        for (int n = 0; n < chosen.Length; n++)
        {
            var grey = data.Grey(chosen[n]);
            var item = items.AsSpan(n * side * side, side * side);
            for (int p = 0; p < grey.Length; p++) item[p] = (grey[p] - MeanPixel) * scale;
        }
        var labels = chosen.Select(i => position[data.Labels[i]]).ToArray();
        return new InMemoryTrainingSource($"fashion-mnist {data.Split} classes {string.Join(",", classes)}" + (perClass > 0 ? $" ({perClass}/class, seed {seed})" : ""),
            items, labels, [1, side, side], classes.Count);
    }
}
