namespace LayerProbe.Tests.Regions;

/// <summary>
/// Fast R-CNN's RoI max pooling as its Caffe layer computes it (<c>ROIPoolingLayer::Forward_cpu</c>; SPP-net's
/// single-level pyramid with Fast R-CNN's coordinate rounding), transcribed statement by statement for the tests: each
/// region [batch, x1, y1, x2, y2] is rounded to cells with the spatial scale (C's <c>round</c>: halves away from
/// zero), the region is at least one cell in each direction, bin boundaries are floor/ceil of multiples of
/// size/grid in float, clipped to the map, a bin starts at −FLT_MAX and takes the maximum of its cells, an empty bin
/// is 0.
/// </summary>
static class RoiPoolingReference
{
    public static float[] Pool(float[] bottom, int channels, int height, int width, float[] rois, int numRois, float spatialScale, int pooledHeight, int pooledWidth)
    {
        var top = new float[numRois * channels * pooledHeight * pooledWidth];
        for (int n = 0; n < numRois; ++n)
        {
            int roiStartW = (int)MathF.Round(rois[5 * n + 1] * spatialScale, MidpointRounding.AwayFromZero);
            int roiStartH = (int)MathF.Round(rois[5 * n + 2] * spatialScale, MidpointRounding.AwayFromZero);
            int roiEndW = (int)MathF.Round(rois[5 * n + 3] * spatialScale, MidpointRounding.AwayFromZero);
            int roiEndH = (int)MathF.Round(rois[5 * n + 4] * spatialScale, MidpointRounding.AwayFromZero);
            int roiHeight = Math.Max(roiEndH - roiStartH + 1, 1);
            int roiWidth = Math.Max(roiEndW - roiStartW + 1, 1);
            float binSizeH = roiHeight / (float)pooledHeight;
            float binSizeW = roiWidth / (float)pooledWidth;
            for (int c = 0; c < channels; ++c)
                for (int ph = 0; ph < pooledHeight; ++ph)
                    for (int pw = 0; pw < pooledWidth; ++pw)
                    {
                        int hstart = (int)MathF.Floor(ph * binSizeH);
                        int wstart = (int)MathF.Floor(pw * binSizeW);
                        int hend = (int)MathF.Ceiling((ph + 1) * binSizeH);
                        int wend = (int)MathF.Ceiling((pw + 1) * binSizeW);
                        hstart = Math.Min(Math.Max(hstart + roiStartH, 0), height);
                        hend = Math.Min(Math.Max(hend + roiStartH, 0), height);
                        wstart = Math.Min(Math.Max(wstart + roiStartW, 0), width);
                        wend = Math.Min(Math.Max(wend + roiStartW, 0), width);
                        bool isEmpty = hend <= hstart || wend <= wstart;
                        int poolIndex = ((n * channels + c) * pooledHeight + ph) * pooledWidth + pw;
                        top[poolIndex] = isEmpty ? 0 : -float.MaxValue;
                        for (int h = hstart; h < hend; ++h)
                            for (int w = wstart; w < wend; ++w)
                            {
                                float v = bottom[(c * height + h) * width + w];
                                if (v > top[poolIndex]) top[poolIndex] = v;
                            }
                    }
        }
        return top;
    }
}
