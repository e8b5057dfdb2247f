using Google.Protobuf;
using Onnx;
using LayerProbe.Networks;

namespace LayerProbe.Training;

/// <summary>
/// R-CNN fine-tuning set-up as ONNX graph surgery plus multipliers (METHOD.md §1.5): replace the classifier by an
/// N-way layer (Gaussian std 0.01, bias 0, lr ×10 weights / ×20 biases); for <c>FC-FT</c> also freeze every layer
/// below fc6 and re-initialise fc6/fc7 (Gaussian 0.005, bias 1). The result is a valid ONNX model.
/// </summary>
public static class FineTuning
{
    /// <summary>The fully connected layers kept trainable by <see cref="FineTuningMode.FcOnly"/>.</summary>
    public static readonly string[] FcLayers = ["fc6", "fc7", "fc8"];

    /// <summary>
    /// Prepares <paramref name="model"/> for fine-tuning to <paramref name="classes"/> outputs (e.g. 21 = 20 VOC classes +
    /// background) and returns the multipliers that go with <paramref name="mode"/>.
    /// </summary>
    public static (ModelProto Model, LrMultipliers Multipliers) Prepare(ModelProto model, int classes, FineTuningMode mode,
        int seed, string classifier = "fc8", string source = "model")
    {
        var prepared = ReplaceClassifier(model, classes, seed, classifier, source);
        var multipliers = new LrMultipliers();
        string fc8 = ClassifierLayer.Find(prepared, classifier, source).LayerName;
        if (mode == FineTuningMode.FcOnly)
        {
            var keep = FcLayers.Append(fc8).ToHashSet();
            multipliers.Freeze(ParameterLayers(prepared).Where(l => !keep.Contains(l)));
            prepared = Reinitialise(prepared, FcLayers.Where(l => l != fc8 && ParameterLayers(prepared).Contains(l)), 0.005f, 1f, seed + 1, source);
        }
        multipliers.Layer(fc8, 10, 20);
        return (prepared, multipliers);
    }

    /// <summary>
    /// A copy of <paramref name="model"/> whose classifier has <paramref name="classes"/> outputs, weights Gaussian
    /// std <paramref name="std"/>, biases 0; declared output shapes (fc8, prob) follow. Softmax needs no change.
    /// </summary>
    public static ModelProto ReplaceClassifier(ModelProto model, int classes, int seed, string classifier = "fc8",
        string source = "model", float std = 0.01f)
    {
        if (classes < 1) throw LayerProbeException.For(source, $"fine-tuning needs at least 1 class (got {classes})");
        var copy = model.Clone();
        var layer = ClassifierLayer.Find(copy, classifier, source);
        long[] dims = layer.Node.OpType == "Conv"
            ? [classes, .. layer.Weight.Dims.Skip(1)]
            : layer.Transposed ? [classes, layer.Inputs] : [layer.Inputs, classes];
        var init = new CaffeNet.GaussianInit(seed);
        Replace(layer.Weight, dims, init.Sample(dims.Aggregate(1L, (a, b) => a * b), std));
        if (layer.Bias is not null) Replace(layer.Bias, [classes], new float[classes]);
        // The class axis of every declared shape downstream of the classifier (fc8 itself, prob) changes width.
        var downstream = Downstream(copy, layer.Node.Output[0]);
        foreach (var info in copy.Graph.Output.Concat(copy.Graph.ValueInfo).Where(v => downstream.Contains(v.Name)))
        {
            var shape = info.Type?.TensorType?.Shape;
            if (shape is { Dim.Count: >= 2 } && shape.Dim[1].DimValue > 0) shape.Dim[1].DimValue = classes;
        }
        return copy;
    }

    /// <summary>A copy with the weights of <paramref name="layers"/> redrawn (Gaussian <paramref name="std"/>) and biases set to <paramref name="bias"/>.</summary>
    public static ModelProto Reinitialise(ModelProto model, IEnumerable<string> layers, float std, float bias, int seed, string source = "model")
    {
        var copy = model.Clone();
        var init = new CaffeNet.GaussianInit(seed);
        foreach (var layer in layers)
        {
            var blobs = copy.Graph.Initializer.Where(i => i.Name.Split('.')[0] == layer).ToList();
            if (blobs.Count == 0) throw LayerProbeException.For(source, $"cannot re-initialise '{layer}': no parameters of that layer");
            foreach (var blob in blobs)
            {
                long n = OnnxTensors.Count(blob);
                var values = blob.Dims.Count == 1 ? Enumerable.Repeat(bias, (int)n).ToArray() : init.Sample(n, std);
                Replace(blob, blob.Dims.ToArray(), values);
            }
        }
        return copy;
    }

    /// <summary>Copies every initializer of <paramref name="head"/> (e.g. fc6–fc8 trained on cached pool5) into a copy of <paramref name="model"/>.</summary>
    public static ModelProto MergeHead(ModelProto model, ModelProto head)
    {
        var copy = model.Clone();
        var trained = head.Graph.Initializer.ToDictionary(i => i.Name);
        foreach (var init in copy.Graph.Initializer)
            if (trained.TryGetValue(init.Name, out var t))
            {
                if (!t.Dims.SequenceEqual(init.Dims))
                    throw new LayerProbeException($"merge head: '{init.Name}' is [{string.Join(",", t.Dims)}] in the head but [{string.Join(",", init.Dims)}] in the network");
                init.RawData = t.RawData;
                init.FloatData.Clear();
                init.DataType = t.DataType;
            }
        return copy;
    }

    /// <summary>Layer names that own float parameters (initializer name before the first dot), in graph order.</summary>
    public static IReadOnlyList<string> ParameterLayers(ModelProto model)
    {
        var used = model.Graph.Node.SelectMany(n => n.Input).ToHashSet();
        return model.Graph.Initializer.Where(i => i.DataType == OnnxTensors.Float && i.Dims.Count > 0 && used.Contains(i.Name) && i.Name.Contains('.'))
            .Select(i => i.Name.Split('.')[0]).Distinct().ToList();
    }

    static void Replace(TensorProto tensor, long[] dims, float[] values)
    {
        tensor.Dims.Clear();
        tensor.Dims.AddRange(dims);
        tensor.FloatData.Clear();
        tensor.DataType = OnnxTensors.Float;
        tensor.RawData = ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
    }

    static HashSet<string> Downstream(ModelProto model, string value)
    {
        var reached = new HashSet<string> { value };
        foreach (var node in model.Graph.Node)
            if (node.Input.Any(reached.Contains))
                foreach (var o in node.Output) reached.Add(o);
        return reached;
    }
}
