namespace LayerProbe.Networks;

/// <summary>
/// Sizing of a CaffeNet-topology network (docs/method.md §1.1): the full ImageNet CaffeNet, or a scaled "CaffeNet-mini"
/// for CPU demos with the same layers and the same value names, so every analysis runs unchanged on both.
/// </summary>
/// <param name="InputChannels">Channels of the input image (3 for BGR, 1 for grey).</param>
/// <param name="InputSize">Input height = width.</param>
/// <param name="ConvWidths">Output channels of conv1…conv5.</param>
/// <param name="FcWidth">Width of fc6 and fc7.</param>
/// <param name="Classes">Width of fc8 (1000 for ImageNet, 21 for PASCAL fine-tuning).</param>
/// <param name="Seed">Seed of the Gaussian initialisation.</param>
/// <param name="Conv1Kernel">conv1 kernel size (11 in CaffeNet).</param>
/// <param name="Conv1Stride">conv1 stride (4 in CaffeNet).</param>
public sealed record CaffeNetSpec(
    int InputChannels, int InputSize, int[] ConvWidths, int FcWidth, int Classes, int Seed, int Conv1Kernel, int Conv1Stride)
{
    /// <summary>The full CaffeNet: 3×227×227, 96/256/384/384/256 conv channels, fc 4096, conv1 11×11 stride 4.</summary>
    public static CaffeNetSpec Full(int classes = 1000, int seed = 0) =>
        new(3, 227, [96, 256, 384, 384, 256], 4096, classes, seed, 11, 4);

    /// <summary>
    /// CaffeNet-mini: conv widths of CaffeNet divided by <paramref name="widthDivisor"/> (rounded up to even, since
    /// conv2/4/5 are two-group), fc width <paramref name="fcWidth"/>, and a 5×5 stride-2 conv1 so that small inputs
    /// (28…64 px) still leave pool5 at least 1×1.
    /// </summary>
    public static CaffeNetSpec Mini(int inputSize = 64, int inputChannels = 3, int widthDivisor = 4, int fcWidth = 256,
        int classes = 10, int seed = 0, int conv1Kernel = 5, int conv1Stride = 2)
    {
        if (widthDivisor < 1) throw new LayerProbeException($"caffenet-mini: width divisor must be ≥ 1 (got {widthDivisor})");
        int[] widths = Full().ConvWidths.Select(w => Math.Max(2, (w / widthDivisor + 1) / 2 * 2)).ToArray();
        return new(inputChannels, inputSize, widths, fcWidth, classes, seed, conv1Kernel, conv1Stride);
    }

    /// <summary>Spatial sizes (height = width) of conv1, pool1, pool2 (= conv3…conv5) and pool5 outputs.</summary>
    public (int Conv1, int Pool1, int Pool2, int Pool5) SpatialSizes()
    {
        int conv1 = (InputSize - Conv1Kernel) / Conv1Stride + 1;
        int pool1 = PoolOut(conv1), pool2 = PoolOut(pool1), pool5 = PoolOut(pool2);
        return (conv1, pool1, pool2, pool5);
    }

    /// <summary>Checks that every size is positive and that grouped layers split evenly; throws a one-line message.</summary>
    public void Validate()
    {
        string who = $"caffenet spec (input {InputChannels}x{InputSize}x{InputSize})";
        if (InputChannels < 1 || InputSize < 1 || FcWidth < 1 || Classes < 1 || Conv1Kernel < 1 || Conv1Stride < 1)
            throw new LayerProbeException($"{who}: sizes must be positive");
        if (ConvWidths.Length != 5 || ConvWidths.Any(w => w < 2 || w % 2 != 0))
            throw new LayerProbeException($"{who}: five even conv widths are needed (conv2/4/5 use 2 groups)");
        var (c1, p1, p2, p5) = SpatialSizes();
        if (c1 < 3 || p1 < 3 || p2 < 3 || p5 < 1)
            throw new LayerProbeException($"{who}: input too small (conv1 {c1}, pool1 {p1}, pool2 {p2}, pool5 {p5}); " +
                "use a larger input or a smaller conv1 kernel/stride");
    }

    /// <summary>Caffe max-pool 3×3 stride 2 output size: ceil((in − 3) / 2) + 1 (ONNX ceil_mode = 1).</summary>
    static int PoolOut(int input) => input < 3 ? 0 : (input - 3 + 1) / 2 + 1;
}
