namespace LayerProbe.Data;

/// <summary>Left–right mirroring of images and of boxes in them (1-based inclusive pixels: x ↦ W + 1 − x).</summary>
public static class HorizontalMirror
{
    /// <summary>A new image whose column x is column W − 1 − x of <paramref name="image"/>.</summary>
    public static RgbImage Image(RgbImage image)
    {
        int w = image.Width, stride = 3 * w;
        var source = image.Pixels;
        var pixels = GC.AllocateUninitializedArray<byte>(source.Length); // every byte written below
        for (int y = 0; y < image.Height; y++)
            for (int x = 0; x < w; x++)
            {
                int from = y * stride + 3 * (w - 1 - x), to = y * stride + 3 * x;
                pixels[to] = source[from]; pixels[to + 1] = source[from + 1]; pixels[to + 2] = source[from + 2];
            }
        return new RgbImage(w, image.Height, pixels);
    }

    /// <summary>The box covering the mirrored pixels of <paramref name="box"/> in an image <paramref name="imageWidth"/> wide.</summary>
    public static PixelBox Box(PixelBox box, int imageWidth) => new(imageWidth + 1 - box.X2, box.Y1, imageWidth + 1 - box.X1, box.Y2);
}
