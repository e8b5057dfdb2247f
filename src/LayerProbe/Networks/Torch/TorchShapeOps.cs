using Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace LayerProbe.Networks.Torch;

/// <summary>
/// ONNX shape and indexing operators on TorchSharp tensors: Shape, Gather, Unsqueeze/Squeeze, Slice, Transpose,
/// Split, Cast, ConstantOfShape and Pad. Exporters build reshapes (channel shuffle, flatten with a computed batch
/// size) from Shape → Gather → Unsqueeze → Concat chains; <see cref="TorchNetwork"/> evaluates those once per input
/// size. Axis lists come from attributes before opset 13 (Slice: 10) and from inputs after.
/// </summary>
static class TorchShapeOps
{
    public static Tensor Shape(NodeProto node, Tensor x)
    {
        var a = new NodeAttributes(node);
        long rank = x.dim();
        long start = Axis(a.Int("start", 0), rank + 1), end = a.Has("end") ? Axis(a.Int("end", rank), rank + 1) : rank;
        return tensor(x.shape.Skip((int)start).Take((int)Math.Max(0, end - start)).ToArray());
    }

    /// <summary>ONNX Gather: out = data indexed on <c>axis</c> by an index tensor of any rank (negative indices count from the end).</summary>
    public static Tensor Gather(NodeProto node, Tensor data, Tensor indices)
    {
        long axis = Axis(new NodeAttributes(node).Int("axis", 0), data.dim());
        using var scope = NewDisposeScope();
        var index = indices.to_type(ScalarType.Int64);
        index = where(index.lt(0), index.add(data.shape[axis]), index);
        var picked = data.index_select(axis, index.flatten());
        long[] shape = [.. data.shape.Take((int)axis), .. indices.shape, .. data.shape.Skip((int)axis + 1)];
        return picked.reshape(shape).MoveToOuterDisposeScope();
    }

    public static Tensor Unsqueeze(NodeProto node, Tensor x, Tensor? axesInput, long opset)
    {
        var axes = AxesOf(node, axesInput, opset, 13) ?? throw new LayerProbeException($"node '{node.Name}' (Unsqueeze): axes missing");
        long rank = x.dim() + axes.Length;
        var y = x.alias();
        foreach (var axis in axes.Select(v => Axis(v, rank)).Order())
        {
            var next = y.unsqueeze(axis);
            y.Dispose();
            y = next;
        }
        return y;
    }

    public static Tensor Squeeze(NodeProto node, Tensor x, Tensor? axesInput, long opset)
    {
        var axes = AxesOf(node, axesInput, opset, 13);
        if (axes is null) return x.squeeze();
        long[] keep = Enumerable.Range(0, (int)x.dim()).Select(d => (long)d)
            .Where(d => !axes.Select(v => Axis(v, x.dim())).Contains(d)).Select(d => x.shape[d]).ToArray();
        return x.reshape(keep);
    }

    /// <summary>ONNX Slice (positive steps): starts/ends clamped to each axis as numpy does.</summary>
    public static Tensor Slice(NodeProto node, Tensor?[] inputs, long opset)
    {
        var a = new NodeAttributes(node);
        var x = inputs[0]!;
        long[] starts, ends, axes, steps;
        if (opset < 10)
        {
            starts = a.Ints("starts") ?? [];
            ends = a.Ints("ends") ?? [];
            axes = a.Ints("axes") ?? Enumerable.Range(0, starts.Length).Select(i => (long)i).ToArray();
            steps = Enumerable.Repeat(1L, starts.Length).ToArray();
        }
        else
        {
            starts = Longs(inputs[1]!);
            ends = Longs(inputs[2]!);
            axes = inputs.Length > 3 && inputs[3] is { } ax ? Longs(ax) : Enumerable.Range(0, starts.Length).Select(i => (long)i).ToArray();
            steps = inputs.Length > 4 && inputs[4] is { } st ? Longs(st) : Enumerable.Repeat(1L, starts.Length).ToArray();
        }
        var y = x.alias();
        for (int i = 0; i < starts.Length; i++)
        {
            long axis = Axis(axes[i], x.dim()), size = x.shape[axis];
            if (steps[i] < 1) throw new LayerProbeException($"node '{node.Name}' (Slice): only positive steps are supported (got {steps[i]})");
            long start = Math.Clamp(starts[i] < 0 ? starts[i] + size : starts[i], 0, size);
            long end = Math.Clamp(ends[i] < 0 ? ends[i] + size : Math.Min(ends[i], size), 0, size);
            var next = y.slice(axis, start, Math.Max(start, end), steps[i]);
            y.Dispose();
            y = next;
        }
        return y;
    }

    public static Tensor Transpose(NodeProto node, Tensor x)
    {
        long[] perm = new NodeAttributes(node).Ints("perm") ?? Enumerable.Range(0, (int)x.dim()).Reverse().Select(d => (long)d).ToArray();
        return x.permute(perm);
    }

    /// <summary>ONNX Split: sizes from the attribute (before opset 13) or input, else equal parts, one per output.</summary>
    public static Tensor[] Split(NodeProto node, Tensor x, Tensor? splitInput, long opset)
    {
        var a = new NodeAttributes(node);
        long axis = Axis(a.Int("axis", 0), x.dim());
        long[]? sizes = opset < 13 ? a.Ints("split") : splitInput is null ? null : Longs(splitInput);
        if (sizes is null)
        {
            long parts = a.Int("num_outputs", node.Output.Count), size = x.shape[axis];
            long each = (size + parts - 1) / parts;
            sizes = Enumerable.Range(0, (int)parts).Select(i => Math.Min(each, size - i * each)).ToArray();
        }
        return x.split(sizes, axis);
    }

    /// <summary>ONNX Cast to float, double, bool or an integer type (integers are held as int64).</summary>
    public static Tensor Cast(NodeProto node, Tensor x)
    {
        long to = new NodeAttributes(node).Int("to", 0);
        return to switch
        {
            OnnxTensors.Float => x.to_type(ScalarType.Float32),
            11 => x.to_type(ScalarType.Float64),
            9 => x.to_type(ScalarType.Bool),
            2 or 3 or 4 or 5 or OnnxTensors.Int32 or OnnxTensors.Int64 or 12 or 13 => x.to_type(ScalarType.Int64),
            _ => throw new LayerProbeException($"node '{node.Name}' (Cast): target ONNX type {to} is not supported"),
        };
    }

    public static Tensor ConstantOfShape(NodeProto node, Tensor shape)
    {
        var value = new NodeAttributes(node).Tensor("value");
        using var fill = value is null ? tensor(0f) : TorchOps.FromProto(value);
        return full(Longs(shape), fill.flatten()[0].item<float>(), fill.dtype);
    }

    /// <summary>ONNX Pad (constant, reflect, edge): pads from the attribute before opset 11, from inputs after.</summary>
    public static Tensor Pad(NodeProto node, Tensor?[] inputs, long opset)
    {
        var a = new NodeAttributes(node);
        var x = inputs[0]!;
        string mode = a.String("mode", "constant");
        long[] pads = opset < 11 ? a.Ints("pads") ?? a.Ints("paddings") ?? [] : Longs(inputs[1]!);
        double value = opset < 11 ? a.Float("value", 0) : inputs.Length > 2 && inputs[2] is { } v ? v.to_type(ScalarType.Float64).item<double>() : 0;
        long rank = x.dim();
        long[] axes = opset >= 18 && inputs.Length > 3 && inputs[3] is { } ax ? Longs(ax).Select(d => Axis(d, rank)).ToArray()
            : Enumerable.Range(0, (int)rank).Select(d => (long)d).ToArray();
        // torch pads from the last dimension backwards, (begin, end) per dimension.
        var torchPads = new long[2 * rank];
        for (int i = 0; i < axes.Length; i++)
        {
            long fromLast = rank - 1 - axes[i];
            torchPads[2 * fromLast] = pads[i];
            torchPads[2 * fromLast + 1] = pads[i + axes.Length];
        }
        int used = torchPads.Length;
        while (used > 2 && torchPads[used - 1] == 0 && torchPads[used - 2] == 0) used -= 2;
        var list = torchPads.Take(used).ToArray();
        return mode switch
        {
            "constant" => nn.functional.pad(x, list, PaddingModes.Constant, value),
            "reflect" => nn.functional.pad(x, list, PaddingModes.Reflect),
            "edge" => nn.functional.pad(x, list, PaddingModes.Replicate),
            _ => throw new LayerProbeException($"node '{node.Name}' (Pad): mode '{mode}' is not supported"),
        };
    }

    /// <summary>Axes from the <c>axes</c> attribute (opset below <paramref name="inputSince"/>) or the axes input; null when absent.</summary>
    public static long[]? AxesOf(NodeProto node, Tensor? axesInput, long opset, long inputSince) =>
        opset < inputSince ? new NodeAttributes(node).Ints("axes") : axesInput is null ? null : Longs(axesInput);

    /// <summary>The values of an integer tensor.</summary>
    public static long[] Longs(Tensor t) => t.to_type(ScalarType.Int64).flatten().data<long>().ToArray();

    static long Axis(long axis, long rank) => axis < 0 ? axis + rank : axis;
}
