using Google.Protobuf;
using LayerProbe.Networks;
using LayerProbe.Regions;
using Microsoft.ML.OnnxRuntime;

namespace LayerProbe.Tests.Regions;

/// <summary>
/// RoI max pooling (docs: SPP-net / Fast R-CNN) on hand-built feature maps with maxima worked out by hand, and both
/// engines — ONNX Runtime's <c>MaxRoiPool</c> in the model <see cref="SharedConvNetwork.RoiPoolModel"/> builds, and the
/// managed <see cref="RoiMaxPool"/> — against the transcription of Fast R-CNN's layer (<see cref="RoiPoolingReference"/>).
/// </summary>
public class RoiPoolingTests
{
    /// <summary>image (1 channel) → 1×1 conv with <paramref name="stride"/> to <paramref name="channels"/> → Relu → 2×2/2 max pool to grid².</summary>
    static SharedConvNetwork Split(int stride, int grid, int channels = 1)
    {
        int side = stride * 2 * grid;
        var b = new OnnxGraphBuilder("tiny").Input("image", 1, 1, side, side).Output("pooled", 1, channels, grid, grid);
        string w = b.Initializer("w", [channels, 1, 1, 1], Enumerable.Repeat(1f, channels).ToArray());
        b.Node("Conv", "conv", ["image", w], "conv", OnnxGraphBuilder.Ints("kernel_shape", 1, 1), OnnxGraphBuilder.Ints("strides", stride, stride));
        b.Node("Relu", "relu", ["conv"], "relu");
        b.Node("MaxPool", "pool", ["relu"], "pooled", OnnxGraphBuilder.Ints("kernel_shape", 2, 2), OnnxGraphBuilder.Ints("strides", 2, 2));
        var network = OnnxNetwork.FromBytes(b.ToModel().ToByteArray(), "tiny.onnx");
        return SharedConvNetwork.For(network, "relu");
    }

    /// <summary>ONNX Runtime pools <paramref name="rois"/> (R × [0, x1, y1, x2, y2]) of <paramref name="map"/> in the split's RoI model.</summary>
    static float[] Ort(SharedConvNetwork split, float[] map, int channels, int height, int width, float[] rois)
    {
        using var session = new InferenceSession(split.RoiPoolModel([split.PooledValue]));
        using var x = OrtValue.CreateTensorValueFromMemory(map, [1, channels, height, width]);
        using var r = OrtValue.CreateTensorValueFromMemory(rois, [rois.Length / 5, 5]);
        using var run = new RunOptions();
        using var y = session.Run(run, [SharedConvNetwork.FeatureMapInput, SharedConvNetwork.RoisInput], [x, r], [split.PooledValue]);
        return y[0].GetTensorDataAsSpan<float>().ToArray();
    }

    static float[] Managed(SharedConvNetwork split, float[] map, int channels, int height, int width, float[] rois)
    {
        int n = rois.Length / 5;
        var boxes = Enumerable.Range(0, n).SelectMany(k => rois.Skip(5 * k + 1).Take(4)).ToArray();
        var result = new float[n * channels * split.GridHeight * split.GridWidth];
        RoiMaxPool.Pool(map, channels, height, width, boxes, n, 1f / split.Stride, split.GridHeight, split.GridWidth, result);
        return result;
    }

    /// <summary>8×8 map, value 8y + x: each bin's maximum is its bottom-right cell.</summary>
    static float[] Ramp(float sign = 1, float offset = 0) => Enumerable.Range(0, 64).Select(i => sign * i + offset).ToArray();

    public static TheoryData<int, int, float[], float[]> HandWorked => new()
    {
        // stride 1, grid 2×2, the whole map: bins [0,4)×[0,4) … → cells (3,3), (3,7), (7,3), (7,7)
        { 1, 2, [0, 0, 0, 7, 7], [27, 31, 59, 63] },
        // stride 16, grid 6×6, a 5-pixel box (smaller than one cell): x, y 20..24 → round(1.25) = 1 … round(1.5) = 2, two
        // cells; bin size 1/3: bins 0–2 cover offset 0, bins 3–5 offset 1 → 8·(1 or 2) + (1 or 2)
        { 16, 6, [0, 20, 20, 24, 24], [.. Enumerable.Range(0, 36).Select(i => 8f * (i / 6 < 3 ? 1 : 2) + (i % 6 < 3 ? 1 : 2))] },
        // the same but 18..22: round(1.125) = round(1.375) = 1, one cell: every bin is cell (1, 1) = 9
        { 16, 6, [0, 18, 18, 22, 22], [.. Enumerable.Repeat(9f, 36)] },
        // stride 1, grid 2×2, a box across the right border: x 6..13 → bins [6,10) clipped to [6,8) and [10,14) → empty → 0
        { 1, 2, [0, 6, 0, 13, 7], [31, 0, 63, 0] },
        // stride 2, grid 1×1, edges on halves: 3/2 = 1.5 → 2 and 5/2 = 2.5 → 3 (away from zero; to-even would give 2 and 2):
        // cells 2..3, maximum at (3, 3) = 27
        { 2, 1, [0, 3, 3, 5, 5], [27] },
        // a box wholly outside the map: every bin empty → 0
        { 1, 2, [0, 20, 20, 30, 30], [0, 0, 0, 0] },
    };

    [Theory, MemberData(nameof(HandWorked))]
    public void Hand_built_map_gives_the_worked_maxima_in_both_engines_and_the_transcription(int stride, int grid, float[] roi, float[] expected)
    {
        var split = Split(stride, grid);
        Assert.Equal((stride, grid, grid), (split.Stride, split.GridHeight, split.GridWidth));
        var map = Ramp();
        Assert.Equal(expected, RoiPoolingReference.Pool(map, 1, 8, 8, roi, 1, 1f / stride, grid, grid));
        Assert.Equal(expected, Ort(split, map, 1, 8, 8, roi));
        Assert.Equal(expected, Managed(split, map, 1, 8, 8, roi));
    }

    [Fact]
    public void Negative_maps_keep_their_negative_maxima_in_both_engines()
    {
        // (ONNX Runtime's MaxRoiPool once started bins at the smallest normal float, not −FLT_MAX, which turned every
        // negative maximum into 1.2e-38; the version used here follows the rule, and this test would see a regression)
        var split = Split(1, 2);
        var map = Ramp(-1, -1); // −(8y + x) − 1: each bin's maximum is its top-left cell
        float[] roi = [0, 0, 0, 7, 7];
        float[] expected = [-1, -5, -33, -37];
        Assert.Equal(expected, RoiPoolingReference.Pool(map, 1, 8, 8, roi, 1, 1f, 2, 2));
        Assert.Equal(expected, Ort(split, map, 1, 8, 8, roi));
        Assert.Equal(expected, Managed(split, map, 1, 8, 8, roi));
    }

    [Fact]
    public void Both_engines_equal_the_transcription_on_random_maps_and_boxes()
    {
        const int channels = 5, height = 13, width = 17, stride = 16, grid = 6, count = 400;
        var split = Split(stride, grid, channels);
        var random = new Random(18);
        var relu = new float[channels * height * width];
        var signed = new float[relu.Length];
        for (int i = 0; i < relu.Length; i++)
        {
            signed[i] = (float)(random.NextDouble() * 4 - 2);
            relu[i] = Math.Max(0, signed[i]);
        }
        var rois = new float[5 * count];
        for (int k = 0; k < count; k++)
        {
            // boxes around and beyond the map (−40 … 312 px), tiny, huge and inverted ones, some edges on exact halves of a cell
            float x1 = random.Next(-40, width * stride + 40), y1 = random.Next(-40, height * stride + 40);
            float w = k % 10 == 0 ? -random.Next(0, 30) : random.Next(0, k % 3 == 0 ? 12 : 300);
            float h = k % 10 == 1 ? -random.Next(0, 30) : random.Next(0, k % 3 == 0 ? 12 : 250);
            if (k % 7 == 0) { x1 = 8 * random.Next(0, 2 * width); y1 = 8 * random.Next(0, 2 * height); }
            float[] roi = [0, x1, y1, x1 + w, y1 + h];
            roi.CopyTo(rois, 5 * k);
        }
        var expected = RoiPoolingReference.Pool(relu, channels, height, width, rois, count, 1f / stride, grid, grid);
        Assert.Contains(0f, expected); // empty and all-zero bins occur
        Assert.Equal(expected, Ort(split, relu, channels, height, width, rois));
        Assert.Equal(expected, Managed(split, relu, channels, height, width, rois));
        var signedExpected = RoiPoolingReference.Pool(signed, channels, height, width, rois, count, 1f / stride, grid, grid);
        Assert.Contains(signedExpected, v => v < 0);
        Assert.Equal(signedExpected, Ort(split, signed, channels, height, width, rois));
        Assert.Equal(signedExpected, Managed(split, signed, channels, height, width, rois));
    }
}
