namespace LayerProbe.Training;

/// <summary>
/// Train-time data augmentation of CaffeNet (docs/method.md §1.4): a random <see cref="CropSize"/>² crop of the stored
/// (larger) image and a random horizontal mirror with probability ½; test time takes the centre crop, unmirrored.
/// Mean subtraction belongs to the source's preprocessing.
/// </summary>
/// <param name="CropSize">Side of the square crop; 0 keeps the stored size.</param>
/// <param name="Mirror">Mirror horizontally with probability ½ at train time.</param>
public sealed record Augmentation(int CropSize = 0, bool Mirror = false)
{
    /// <summary>No crop, no mirror.</summary>
    public static Augmentation None { get; } = new();

    /// <summary>Output shape [C, h, w] for stored items of <paramref name="itemShape"/>.</summary>
    public int[] OutputShape(int[] itemShape) =>
        CropSize > 0 ? [itemShape[0], CropSize, CropSize] : itemShape;

    /// <summary>Random crops and mirrors of <paramref name="count"/> items, drawn from <paramref name="random"/>.</summary>
    public void Train(ReadOnlySpan<float> items, Span<float> output, int count, int[] itemShape, Random random)
    {
        int h = itemShape[1], w = itemShape[2];
        int crop = CropSize > 0 ? CropSize : h, cropW = CropSize > 0 ? CropSize : w;
        for (int n = 0; n < count; n++)
        {
            int top = crop < h ? random.Next(h - crop + 1) : 0;
            int left = cropW < w ? random.Next(w - cropW + 1) : 0;
            bool mirror = Mirror && random.Next(2) == 1;
            Copy(items, output, n, itemShape, top, left, crop, cropW, mirror);
        }
    }

    /// <summary>Centre crops (no mirror) for evaluation.</summary>
    public void Test(ReadOnlySpan<float> items, Span<float> output, int count, int[] itemShape)
    {
        int h = itemShape[1], w = itemShape[2];
        int crop = CropSize > 0 ? CropSize : h, cropW = CropSize > 0 ? CropSize : w;
        for (int n = 0; n < count; n++)
            Copy(items, output, n, itemShape, (h - crop) / 2, (w - cropW) / 2, crop, cropW, false);
    }

    /// <summary>Throws when the crop does not fit the stored items.</summary>
    public void Validate(int[] itemShape, string source)
    {
        if (CropSize < 0) throw new LayerProbeException($"augmentation: crop size must be ≥ 0 (got {CropSize})");
        if (CropSize > itemShape[1] || CropSize > itemShape[2])
            throw new LayerProbeException($"augmentation: crop {CropSize} is larger than the {itemShape[1]}x{itemShape[2]} items of {source}");
    }

    static void Copy(ReadOnlySpan<float> items, Span<float> output, int n, int[] shape, int top, int left, int h, int w, bool mirror)
    {
        int c = shape[0], H = shape[1], W = shape[2];
        for (int ch = 0; ch < c; ch++)
            for (int y = 0; y < h; y++)
            {
                var src = items.Slice(((n * c + ch) * H + top + y) * W + left, w);
                var dst = output.Slice(((n * c + ch) * h + y) * w, w);
                if (!mirror) src.CopyTo(dst);
                else for (int x = 0; x < w; x++) dst[x] = src[w - 1 - x];
            }
    }
}
