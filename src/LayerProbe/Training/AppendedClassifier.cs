using Onnx;
using LayerProbe.Networks;

namespace LayerProbe.Training;

/// <summary>
/// A new classifier on top of a headless feature extractor (a network whose output no fully connected layer computes,
/// <see cref="ClassifierLayer.TryFind"/>), so it can be fine-tuned like a network with one: the graph output is
/// flattened and fed to an N-way fully connected layer (ONNX Gemm, weights [N, features], transB = 1) initialised the
/// R-CNN way (docs/method.md §1.5: Gaussian std 0.01, bias 0). Its scores become the only graph output; the backbone's
/// values stay in the graph, so its layers can still be extracted by name. The batch dimension of the declared input
/// and outputs is made symbolic (the CNTK ResNet-18 declares 1) — the computation per image is unchanged.
/// </summary>
public static class AppendedClassifier
{
    /// <summary>Name of the appended Gemm node (and the prefix of its values and initializers).</summary>
    public const string NodeName = "appended_classifier";

    /// <summary>
    /// A copy of <paramref name="model"/> with an <paramref name="classes"/>-way classifier on its first output, which
    /// holds <paramref name="features"/> values per item.
    /// </summary>
    public static ModelProto Append(ModelProto model, int features, int classes, int seed, string source = "model", float std = 0.01f)
    {
        if (classes < 1) throw LayerProbeException.For(source, $"fine-tuning needs at least 1 class (got {classes})");
        if (features < 1) throw LayerProbeException.For(source, $"the output has {features} values per item; nothing to classify");
        if (model.Graph.Output.Count == 0) throw LayerProbeException.For(source, "the graph has no output to put a classifier on");
        var copy = model.Clone();
        var graph = copy.Graph;
        var taken = graph.Node.SelectMany(n => n.Output).Concat(graph.Initializer.Select(i => i.Name)).Concat(graph.Input.Select(i => i.Name))
            .Concat(graph.Node.Select(n => n.Name)).ToHashSet();
        string prefix = NodeName;
        for (int k = 2; taken.Any(t => t.StartsWith(prefix, StringComparison.Ordinal)); k++) prefix = $"{NodeName}_{k}";
        string features0 = graph.Output[0].Name, flat = $"{prefix}.input", weight = $"{prefix}.weight", bias = $"{prefix}.bias", scores = $"{prefix}.scores";

        var init = new CaffeNet.GaussianInit(seed);
        var w = new TensorProto { Name = weight };
        FineTuning.Replace(w, [classes, features], init.Sample((long)classes * features, std));
        var b = new TensorProto { Name = bias };
        FineTuning.Replace(b, [classes], new float[classes]);
        graph.Initializer.Add(w);
        graph.Initializer.Add(b);
        var flatten = new NodeProto { Name = $"{prefix}_flatten", OpType = "Flatten", Input = { features0 }, Output = { flat } };
        flatten.Attribute.Add(OnnxGraphBuilder.Int("axis", 1));
        var gemm = new NodeProto { Name = prefix, OpType = "Gemm", Input = { flat, weight, bias }, Output = { scores } };
        gemm.Attribute.Add(OnnxGraphBuilder.Int("transB", 1));
        graph.Node.Add(flatten);
        graph.Node.Add(gemm);

        var output = new ValueInfoProto { Name = scores, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = OnnxTensors.Float, Shape = new TensorShapeProto() } } };
        output.Type.TensorType.Shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "N" });
        output.Type.TensorType.Shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = classes });
        graph.Output.Clear();
        graph.Output.Add(output);
        InputAdaptation.FreeBatch(copy);
        return copy;
    }
}
