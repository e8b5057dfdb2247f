namespace LayerProbe.Data;

/// <summary>
/// Sampling positions of bilinear resizing without antialiasing in OpenCV's <c>INTER_LINEAR</c> convention
/// (half-pixel centres): destination index d reads source coordinate (d + 0.5)·src/dst − 0.5, between the two nearest
/// source pixels, clamped at the borders (edge pixels replicate). MATLAB's <c>imresize(…, 'bilinear',
/// 'antialiasing', false)</c> used by R-CNN samples the same points.
/// </summary>
public static class BilinearTaps
{
    /// <summary>
    /// Fills, for each of the <paramref name="destination"/> outputs, the first and second source index (0-based, within
    /// [0, <paramref name="source"/>)) and the weight of the second.
    /// </summary>
    public static void Compute(int source, int destination, Span<int> first, Span<int> second, Span<float> weight)
    {
        if (source <= 0 || destination <= 0) throw new ArgumentOutOfRangeException(nameof(source), "sizes must be positive");
        double scale = (double)source / destination;
        for (int d = 0; d < destination; d++)
        {
            float f = (float)((d + 0.5) * scale - 0.5);
            int s = (int)MathF.Floor(f);
            float w = f - s;
            if (s < 0) { s = 0; w = 0; }
            if (s >= source - 1) { s = source - 1; w = 0; }
            first[d] = s;
            second[d] = Math.Min(s + 1, source - 1);
            weight[d] = w;
        }
    }
}
