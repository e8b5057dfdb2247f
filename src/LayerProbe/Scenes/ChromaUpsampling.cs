namespace LayerProbe.Scenes;

/// <summary>
/// Brings a subsampled JPEG component to full resolution with the triangle filter for centred (JFIF) sample
/// positions: each output pixel is ¾ its own sample plus ¼ the nearer neighbour, per direction, in integers.
/// </summary>
static class ChromaUpsampling
{
    /// <summary>The first <paramref name="width"/>×<paramref name="height"/> full-resolution values.</summary>
    /// <param name="plane">Samples, row stride <paramref name="stride"/>, <paramref name="rows"/> rows.</param>
    /// <param name="fx">Horizontal factor (1 or 2).</param>
    /// <param name="fy">Vertical factor (1 or 2).</param>
    public static byte[] ToFull(byte[] plane, int stride, int rows, int fx, int fy, int width, int height)
    {
        int usedWide = Math.Min(stride, (width + fx - 1) / fx), usedHigh = Math.Min(rows, (height + fy - 1) / fy);
        int sv = fy == 2 ? 4 : 1, sh = fx == 2 ? 4 : 1;
        var columnPass = new int[usedWide * height];
        for (int y = 0; y < height; y++)
        {
            int j = y / fy, neighbour = fy == 1 ? j : Math.Clamp(y % 2 == 0 ? j - 1 : j + 1, 0, usedHigh - 1);
            for (int i = 0; i < usedWide; i++)
                columnPass[y * usedWide + i] = fy == 1 ? plane[j * stride + i] : 3 * plane[j * stride + i] + plane[neighbour * stride + i];
        }
        var full = new byte[width * height];
        int scale = sv * sh, half = scale / 2;
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                int i = x / fx, row = y * usedWide;
                int value = fx == 1 ? columnPass[row + i]
                    : 3 * columnPass[row + i] + columnPass[row + Math.Clamp(x % 2 == 0 ? i - 1 : i + 1, 0, usedWide - 1)];
                full[y * width + x] = (byte)((value + half) / scale);
            }
        return full;
    }
}
