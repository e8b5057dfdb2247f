using Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace LayerProbe.Networks.Torch;

/// <summary>
/// Runs one ONNX node on TorchSharp tensors (convolution and pooling in <see cref="TorchSpatialOps"/>, normalisation in
/// <see cref="TorchNormalizationOps"/>, shape arithmetic in <see cref="TorchShapeOps"/>, the rest in
/// <see cref="TorchElementwiseOps"/>). The supported operator set is listed in <see cref="Supported"/>;
/// any other operator is a <see cref="LayerProbeException"/> naming the node and its op type.
/// </summary>
static class TorchOps
{
    /// <summary>Operators this interpreter implements.</summary>
    public static readonly IReadOnlySet<string> Supported = new HashSet<string>
    {
        "Conv", "Relu", "MaxPool", "AveragePool", "GlobalAveragePool", "LRN", "Gemm", "MatMul", "Flatten", "Reshape",
        "BatchNormalization", "LayerNormalization", "Add", "Sub", "Mul", "Div", "Pow", "Sqrt", "Erf", "Exp", "Neg",
        "Sigmoid", "Tanh", "LeakyRelu", "Clip", "HardSigmoid", "HardSwish", "ReduceMean", "ReduceSum", "Concat", "Split",
        "Transpose", "Shape", "Gather", "Unsqueeze", "Squeeze", "Slice", "Cast", "Pad", "Dropout", "Softmax", "Constant",
        "ConstantOfShape", "Identity",
    };

    /// <summary>Throws when <paramref name="node"/> cannot be run.</summary>
    public static void Check(NodeProto node)
    {
        if (node.Domain is not ("" or "ai.onnx") || !Supported.Contains(node.OpType))
            throw new LayerProbeException(
                $"node '{node.Name}': unsupported ONNX operator '{(node.Domain is "" ? "" : node.Domain + ".")}{node.OpType}' " +
                $"(TorchNetwork supports {string.Join(", ", Supported)})");
    }

    /// <summary>Every output of the node (Split has several; other operators one, their optional extras unused).</summary>
    public static Tensor[] RunAll(NodeProto node, Tensor?[] inputs, bool training, long opset) =>
        node.OpType == "Split"
            ? TorchShapeOps.Split(node, inputs[0] ?? throw new LayerProbeException($"node '{node.Name}' (Split): input 0 is missing"),
                inputs.Length > 1 ? inputs[1] : null, opset)
            : [Run(node, inputs, training, opset)];

    /// <summary>The node's first output from its inputs (null entries = omitted optional inputs).</summary>
    public static Tensor Run(NodeProto node, Tensor?[] inputs, bool training, long opset)
    {
        Tensor X(int i) => i < inputs.Length && inputs[i] is { } t ? t
            : throw new LayerProbeException($"node '{node.Name}' ({node.OpType}): input {i} is missing");
        Tensor? Optional(int i) => i < inputs.Length ? inputs[i] : null;
        var a = new NodeAttributes(node);
        switch (node.OpType)
        {
            case "Conv": return TorchSpatialOps.Conv(node, X(0), X(1), Optional(2));
            case "Relu": return nn.functional.relu(X(0));
            case "MaxPool": return TorchSpatialOps.MaxPool(node, X(0));
            case "AveragePool": return TorchSpatialOps.AveragePool(node, X(0));
            case "GlobalAveragePool": return TorchSpatialOps.GlobalAveragePool(X(0));
            case "LRN": return TorchNormalizationOps.Lrn(node, X(0));
            case "BatchNormalization":
                return TorchNormalizationOps.BatchNormalization(node, X(0), X(1), X(2), X(3), X(4), training);
            case "LayerNormalization": return TorchElementwiseOps.LayerNormalization(node, X(0), X(1), Optional(2));
            case "Gemm": return Gemm(a, X(0), X(1), Optional(2));
            case "MatMul": return X(0).matmul(X(1));
            case "Flatten": return Flatten(X(0), a.Int("axis", 1));
            case "Reshape": return Reshape(X(0), X(1), a.Int("allowzero", 0) != 0);
            case "Add": return X(0).add(X(1));
            case "Sub": return X(0).sub(X(1));
            case "Mul": return X(0).mul(X(1));
            case "Div": return TorchElementwiseOps.Div(X(0), X(1));
            case "Pow": return X(0).pow(X(1));
            case "Sqrt": return X(0).sqrt();
            case "Erf": return X(0).erf();
            case "Exp": return X(0).exp();
            case "Neg": return X(0).neg();
            case "Sigmoid": return X(0).sigmoid();
            case "Tanh": return X(0).tanh();
            case "LeakyRelu": return nn.functional.leaky_relu(X(0), a.Float("alpha", 0.01f));
            case "Clip": return TorchElementwiseOps.Clip(node, X(0), Optional(1), Optional(2), opset);
            case "HardSigmoid": return TorchElementwiseOps.HardSigmoid(node, X(0));
            case "HardSwish": return TorchElementwiseOps.HardSwish(X(0));
            case "ReduceMean" or "ReduceSum": return TorchElementwiseOps.Reduce(node, X(0), Optional(1), opset);
            case "Concat": return cat(inputs.Where(t => t is not null).Select(t => t!).ToArray(), a.Int("axis", 0));
            case "Transpose": return TorchShapeOps.Transpose(node, X(0));
            case "Shape": return TorchShapeOps.Shape(node, X(0));
            case "Gather": return TorchShapeOps.Gather(node, X(0), X(1));
            case "Unsqueeze": return TorchShapeOps.Unsqueeze(node, X(0), Optional(1), opset);
            case "Squeeze": return TorchShapeOps.Squeeze(node, X(0), Optional(1), opset);
            case "Slice": return TorchShapeOps.Slice(node, inputs, opset);
            case "Cast": return TorchShapeOps.Cast(node, X(0));
            case "Pad": return TorchShapeOps.Pad(node, inputs, opset);
            case "ConstantOfShape": return TorchShapeOps.ConstantOfShape(node, X(0));
            case "Dropout": return Dropout(a, X(0), Optional(1), Optional(2), training, opset);
            case "Softmax": return Softmax(X(0), a, opset);
            case "Constant": return Constant(node, a);
            case "Identity": return X(0).alias();
            default: Check(node); throw new InvalidOperationException();
        }
    }

    static Tensor Gemm(NodeAttributes a, Tensor x, Tensor w, Tensor? c)
    {
        var left = a.Int("transA", 0) != 0 ? x.t() : x;
        var right = a.Int("transB", 0) != 0 ? w.t() : w;
        double alpha = a.Float("alpha", 1f), beta = a.Float("beta", 1f);
        if (c is null) return alpha == 1 ? left.mm(right) : left.mm(right).mul(alpha);
        return addmm(c, left, right, (float)beta, (float)alpha);
    }

    static Tensor Flatten(Tensor x, long axis)
    {
        if (axis < 0) axis += x.dim();
        long outer = x.shape.Take((int)axis).Aggregate(1L, (p, d) => p * d);
        return x.reshape(outer, -1);
    }

    static Tensor Reshape(Tensor x, Tensor shapeTensor, bool allowZero)
    {
        long[] shape = shapeTensor.to_type(ScalarType.Int64).data<long>().ToArray();
        if (!allowZero)
            for (int i = 0; i < shape.Length; i++)
                if (shape[i] == 0) shape[i] = x.shape[i];
        return x.reshape(shape);
    }

    static Tensor Dropout(NodeAttributes a, Tensor x, Tensor? ratioInput, Tensor? trainingMode, bool training, long opset)
    {
        double ratio = opset >= 12 ? (ratioInput is null ? 0.5 : ratioInput.to_type(ScalarType.Float64).item<double>())
            : a.Float("ratio", 0.5f);
        bool train = trainingMode is not null ? trainingMode.to_type(ScalarType.Bool).item<bool>() : training;
        // Inverted dropout: kept units are scaled by 1/(1 − ratio) at train time, so inference is the identity.
        return train && ratio > 0 ? nn.functional.dropout(x, ratio, training: true) : x.alias();
    }

    static Tensor Softmax(Tensor x, NodeAttributes a, long opset)
    {
        long axis = a.Int("axis", opset >= 13 ? -1 : 1);
        if (axis < 0) axis += x.dim();
        if (opset >= 13) return x.softmax(axis);
        // Opset < 13: the input is coerced to 2-D at axis and the softmax runs over the flattened tail.
        var shape = x.shape;
        return Flatten(x, axis).softmax(1).reshape(shape);
    }

    static Tensor Constant(NodeProto node, NodeAttributes a)
    {
        if (a.Tensor("value") is { } t) return FromProto(t);
        if (a.Has("value_float")) return tensor(a.Float("value_float", 0));
        if (a.Floats("value_floats") is { } fs) return tensor(fs);
        if (a.Has("value_int")) return tensor(a.Int("value_int", 0));
        if (a.Ints("value_ints") is { } ints) return tensor(ints);
        throw new LayerProbeException($"node '{node.Name}' (Constant): only tensor/float/int values are supported");
    }

    /// <summary>A float32, bool or integer (as int64) initializer as a tensor.</summary>
    public static Tensor FromProto(TensorProto t)
    {
        long[] dims = t.Dims.ToArray();
        if (t.DataType == OnnxTensors.Float) return tensor(OnnxTensors.ReadFloats(t), dims);
        if (t.DataType == BoolType)
            return tensor((t.RawData.Length > 0 ? t.RawData.Select(b => b != 0) : t.Int32Data.Select(v => v != 0)).ToArray(), dims);
        return tensor(OnnxTensors.ReadInt64s(t), dims);
    }

    const int BoolType = 9;
}
