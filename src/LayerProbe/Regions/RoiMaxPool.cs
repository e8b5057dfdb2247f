using LayerProbe.Data;

namespace LayerProbe.Regions;

/// <summary>
/// RoI max pooling (SPP-net's single-level pyramid as Fast R-CNN's <c>ROIPoolingLayer</c> computes it): a region
/// [x1, y1, x2, y2] in the scaled image's 0-based pixels maps to feature-map cells round(x·s) … round(x2·s) (s = 1/stride,
/// halves away from zero, at least one cell wide), which split into a grid of bins, bin i spanning cells
/// floor(i·size/grid) to ceil((i+1)·size/grid) (exclusive) from the region's first cell, clipped to the map; each bin
/// is the maximum of its cells, an empty bin (wholly outside the map) is 0. Arithmetic in float, as the reference's.
/// This is the managed engine (<see cref="RoiPoolEngine.Managed"/>), measured against ONNX Runtime's <c>MaxRoiPool</c>
/// (the default); regions are pooled in parallel.
/// </summary>
public static class RoiMaxPool
{
    /// <summary>
    /// Pools the regions <paramref name="rois"/> (R × [x1, y1, x2, y2]) of <paramref name="map"/> (C × H × W) into
    /// <paramref name="destination"/> (R × C × gridHeight × gridWidth).
    /// </summary>
    public static void Pool(float[] map, int channels, int height, int width, float[] rois, int count, float spatialScale,
        int gridHeight, int gridWidth, float[] destination)
    {
        if (map.Length < channels * height * width) throw new ArgumentException($"map holds {map.Length} values, not {channels}x{height}x{width}");
        if (rois.Length < 4 * count) throw new ArgumentException($"{count} regions need {4 * count} coordinates");
        int row = channels * gridHeight * gridWidth;
        if (destination.Length < count * row) throw new ArgumentException($"destination holds {destination.Length} values, {count} rows need {count * row}");
        Parallel.For(0, count, r =>
        {
            Span<int> ys = stackalloc int[2 * gridHeight], xs = stackalloc int[2 * gridWidth];
            Bins(rois[4 * r + 1], rois[4 * r + 3], spatialScale, gridHeight, height, ys);
            Bins(rois[4 * r], rois[4 * r + 2], spatialScale, gridWidth, width, xs);
            var output = destination.AsSpan(r * row, row);
            int plane = height * width;
            for (int c = 0; c < channels; c++)
            {
                var channel = map.AsSpan(c * plane, plane);
                for (int by = 0; by < gridHeight; by++)
                    for (int bx = 0; bx < gridWidth; bx++)
                    {
                        int y0 = ys[2 * by], y1 = ys[2 * by + 1], x0 = xs[2 * bx], x1 = xs[2 * bx + 1];
                        float max = y1 <= y0 || x1 <= x0 ? 0f : float.NegativeInfinity;
                        for (int y = y0; y < y1; y++)
                            foreach (var v in channel.Slice(y * width + x0, x1 - x0))
                                if (v > max) max = v;
                        output[(c * gridHeight + by) * gridWidth + bx] = max;
                    }
            }
        });
    }

    /// <summary>Start (inclusive) and end (exclusive) cell of every bin along one axis of a region from <paramref name="from"/> to <paramref name="to"/> (pixels).</summary>
    static void Bins(float from, float to, float scale, int grid, int size, Span<int> bins)
    {
        int start = (int)MathF.Round(from * scale, MidpointRounding.AwayFromZero), end = (int)MathF.Round(to * scale, MidpointRounding.AwayFromZero);
        int cells = Math.Max(end - start + 1, 1);
        float bin = cells / (float)grid;
        for (int i = 0; i < grid; i++)
        {
            bins[2 * i] = Math.Clamp((int)MathF.Floor(i * bin) + start, 0, size);
            bins[2 * i + 1] = Math.Clamp((int)MathF.Ceiling((i + 1) * bin) + start, 0, size);
        }
    }

    /// <summary>
    /// A VOC box (1-based inclusive pixels of the original image) as a region of the image scaled by <paramref name="imageScale"/>
    /// in 0-based pixels (Fast R-CNN: boxes − 1, times the scale), written as x1 y1 x2 y2 into <paramref name="roi"/>.
    /// </summary>
    public static void Region(PixelBox box, double imageScale, Span<float> roi)
    {
        roi[0] = (float)((box.X1 - 1) * imageScale);
        roi[1] = (float)((box.Y1 - 1) * imageScale);
        roi[2] = (float)((box.X2 - 1) * imageScale);
        roi[3] = (float)((box.Y2 - 1) * imageScale);
    }
}
