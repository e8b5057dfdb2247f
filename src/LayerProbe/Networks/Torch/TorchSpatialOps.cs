using Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace LayerProbe.Networks.Torch;

/// <summary>ONNX Conv, MaxPool, AveragePool and GlobalAveragePool on TorchSharp tensors (2-D spatial, NCHW).</summary>
static class TorchSpatialOps
{
    public static Tensor Conv(NodeProto node, Tensor x, Tensor w, Tensor? b)
    {
        var a = new NodeAttributes(node);
        Require2D(node, x);
        long[] kernel = a.Ints("kernel_shape") ?? [w.shape[2], w.shape[3]];
        long[] strides = a.Ints("strides") ?? [1, 1], dilations = a.Ints("dilations") ?? [1, 1];
        long[] pads = Pads(a, x, kernel, strides, dilations);
        long group = a.Int("group", 1);
        if (pads[0] == pads[2] && pads[1] == pads[3])
            return nn.functional.conv2d(x, w, b, strides, [pads[0], pads[1]], dilations, group);
        using var padded = nn.functional.pad(x, [pads[1], pads[3], pads[0], pads[2]]);
        return nn.functional.conv2d(padded, w, b, strides, [0, 0], dilations, group);
    }

    public static Tensor MaxPool(NodeProto node, Tensor x)
    {
        var a = new NodeAttributes(node);
        Require2D(node, x);
        if (node.Output.Count > 1 && node.Output[1].Length > 0)
            throw new LayerProbeException($"node '{node.Name}' (MaxPool): the Indices output is not supported");
        long[] kernel = KernelOf(node, a), strides = a.Ints("strides") ?? [1, 1], dilations = a.Ints("dilations") ?? [1, 1];
        long[] pads = Pads(a, x, kernel, strides, dilations);
        bool ceil = a.Int("ceil_mode", 0) != 0;
        if (pads[0] == pads[2] && pads[1] == pads[3])
            return nn.functional.max_pool2d(x, kernel, strides, [pads[0], pads[1]], dilations, ceil);
        using var padded = nn.functional.pad(x, [pads[1], pads[3], pads[0], pads[2]], value: double.NegativeInfinity);
        return nn.functional.max_pool2d(padded, kernel, strides, [0, 0], dilations, ceil);
    }

    public static Tensor AveragePool(NodeProto node, Tensor x)
    {
        var a = new NodeAttributes(node);
        Require2D(node, x);
        long[] kernel = KernelOf(node, a), strides = a.Ints("strides") ?? [1, 1];
        long[] pads = Pads(a, x, kernel, strides, [1, 1]);
        bool ceil = a.Int("ceil_mode", 0) != 0, includePad = a.Int("count_include_pad", 0) != 0;
        if (pads[0] == pads[2] && pads[1] == pads[3])
            return nn.functional.avg_pool2d(x, kernel, strides, [pads[0], pads[1]], ceil, includePad);
        using var scope = NewDisposeScope();
        long[] torchPads = [pads[1], pads[3], pads[0], pads[2]];
        var sums = nn.functional.avg_pool2d(nn.functional.pad(x, torchPads), kernel, strides, [0, 0], ceil, true);
        if (includePad) return sums.MoveToOuterDisposeScope();
        // Excluding padding: the same windows over a 1/0 mask give the fraction of real cells, which cancels the divisor.
        var mask = nn.functional.pad(ones(1, 1, x.shape[2], x.shape[3], x.dtype, x.device), torchPads);
        return sums.div(nn.functional.avg_pool2d(mask, kernel, strides, [0, 0], ceil, true)).MoveToOuterDisposeScope();
    }

    public static Tensor GlobalAveragePool(Tensor x) => x.mean([2, 3], keepdim: true);

    static long[] KernelOf(NodeProto node, NodeAttributes a) =>
        a.Ints("kernel_shape") ?? throw new LayerProbeException($"node '{node.Name}' ({node.OpType}): kernel_shape missing");

    static void Require2D(NodeProto node, Tensor x)
    {
        if (x.dim() != 4)
            throw new LayerProbeException($"node '{node.Name}' ({node.OpType}): only 2-D spatial inputs (N×C×H×W) are supported, got rank {x.dim()}");
    }

    /// <summary>ONNX pads [top, left, bottom, right], from <c>pads</c> or resolved from <c>auto_pad</c>.</summary>
    static long[] Pads(NodeAttributes a, Tensor x, long[] kernel, long[] strides, long[] dilations)
    {
        string autoPad = a.String("auto_pad", "NOTSET");
        switch (autoPad)
        {
            case "NOTSET": return a.Ints("pads") ?? [0, 0, 0, 0];
            case "VALID": return [0, 0, 0, 0];
            case "SAME_UPPER" or "SAME_LOWER":
                var pads = new long[4];
                for (int i = 0; i < 2; i++)
                {
                    long input = x.shape[2 + i], output = (input + strides[i] - 1) / strides[i];
                    long total = Math.Max(0, (output - 1) * strides[i] + (kernel[i] - 1) * dilations[i] + 1 - input);
                    long small = total / 2, large = total - small;
                    (pads[i], pads[i + 2]) = autoPad == "SAME_UPPER" ? (small, large) : (large, small);
                }
                return pads;
            default: throw new LayerProbeException($"unknown auto_pad '{autoPad}'");
        }
    }
}
