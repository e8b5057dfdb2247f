using Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace LayerProbe.Networks.Torch;

/// <summary>
/// ONNX element-wise operators and reductions on TorchSharp tensors beyond the plain arithmetic: Clip (ReLU6),
/// HardSigmoid/HardSwish (MobileNet v3), integer Div (shape arithmetic), ReduceMean/ReduceSum. Broadcasting is
/// numpy's, as in ONNX since opset 7 and in torch.
/// </summary>
static class TorchElementwiseOps
{
    /// <summary>ONNX Div: true division for floats, truncation toward zero for integers (ONNX Runtime's C++ rule).</summary>
    public static Tensor Div(Tensor x, Tensor y) =>
        Integral(x) && Integral(y) ? x.div(y, RoundingMode.trunc) : x.div(y);

    static bool Integral(Tensor t) => t.dtype is ScalarType.Int64 or ScalarType.Int32 or ScalarType.Int16 or ScalarType.Int8 or ScalarType.Byte;

    /// <summary>ONNX Clip: bounds from attributes before opset 11, from optional inputs after (absent: unbounded).</summary>
    public static Tensor Clip(NodeProto node, Tensor x, Tensor? min, Tensor? max, long opset)
    {
        var a = new NodeAttributes(node);
        double? low = opset < 11 ? (a.Has("min") ? a.Float("min", 0) : null) : min is null ? null : min.to_type(ScalarType.Float64).item<double>();
        double? high = opset < 11 ? (a.Has("max") ? a.Float("max", 0) : null) : max is null ? null : max.to_type(ScalarType.Float64).item<double>();
        if (low is null && high is null) return x.alias();
        if (low is null) return x.clamp_max(high!.Value);
        if (high is null) return x.clamp_min(low.Value);
        return x.clamp(low.Value, high.Value);
    }

    /// <summary>ONNX HardSigmoid: max(0, min(1, α·x + β)), α = 0.2 and β = 0.5 by default (torch's is α = 1/6).</summary>
    public static Tensor HardSigmoid(NodeProto node, Tensor x)
    {
        var a = new NodeAttributes(node);
        using var scaled = x.mul(a.Float("alpha", 0.2f)).add(a.Float("beta", 0.5f));
        return scaled.clamp(0, 1);
    }

    /// <summary>ONNX HardSwish (opset 14): x · max(0, min(1, x/6 + 1/2)).</summary>
    public static Tensor HardSwish(Tensor x) => nn.functional.hardswish(x);

    /// <summary>ONNX ReduceMean/ReduceSum: axes from the attribute (ReduceMean before 18, ReduceSum before 13) or input; none = all.</summary>
    public static Tensor Reduce(NodeProto node, Tensor x, Tensor? axesInput, long opset)
    {
        var a = new NodeAttributes(node);
        bool keep = a.Int("keepdims", 1) != 0;
        long inputSince = node.OpType == "ReduceSum" ? 13 : 18;
        var axes = TorchShapeOps.AxesOf(node, axesInput, opset, inputSince);
        if (axes is null || axes.Length == 0)
        {
            if (axesInput is not null && a.Int("noop_with_empty_axes", 0) != 0) return x.alias();
            axes = Enumerable.Range(0, (int)x.dim()).Select(d => (long)d).ToArray();
        }
        return node.OpType == "ReduceSum" ? x.sum(axes, keep) : x.mean(axes, keep);
    }

    /// <summary>ONNX LayerNormalization (opset 17): normalised over the axes from <c>axis</c> to the last.</summary>
    public static Tensor LayerNormalization(NodeProto node, Tensor x, Tensor scale, Tensor? bias)
    {
        var a = new NodeAttributes(node);
        long axis = a.Int("axis", -1);
        if (axis < 0) axis += x.dim();
        double eps = a.Float("epsilon", 1e-5f);
        long[] normalized = x.shape.Skip((int)axis).ToArray();
        return nn.functional.layer_norm(x, normalized, scale.reshape(normalized), bias?.reshape(normalized), eps);
    }
}
