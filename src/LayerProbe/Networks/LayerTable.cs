using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace LayerProbe.Networks;

/// <summary>One row of a network's layer table.</summary>
/// <param name="Alias">Paper-vocabulary name (pool5, res3b, …) or null.</param>
/// <param name="Value">Graph value name (what extraction asks for).</param>
/// <param name="Op">ONNX operator producing it.</param>
/// <param name="Node">Producing node's name.</param>
/// <param name="Shape">Output shape for one image (batch dimension dropped).</param>
public sealed record LayerInfo(string? Alias, string Value, string Op, string Node, int[] Shape)
{
    /// <summary>Number of feature dimensions per image.</summary>
    public long Dimensions => Shape.Aggregate(1L, (a, b) => a * b);
}

/// <summary>
/// Lists every layer of a network — each float activation of the image (<see cref="OnnxNetwork.Activations"/>; Identity
/// copies and constants are not layers) — with its output shape for a given input size, by running ONNX Runtime once on
/// a zero image with those values exposed (so shapes and element types are what the runtime computes, not a
/// re-derivation). Values the runtime reports as non-float are left out.
/// </summary>
public static class LayerTable
{
    /// <summary>
    /// Largest zero image (C·H·W values, 64 MiB of float32, e.g. 3×2364×2364) a layer table runs: the input size comes
    /// from the model file or the caller, and a few mutated bytes must not make it ask for gigabytes.
    /// </summary>
    public const long MaxInputValues = 1L << 24;

    /// <summary>
    /// The layers of <paramref name="network"/> for an input of the given size (default: the declared size, else
    /// <see cref="OnnxNetwork.DefaultInputSide"/>).
    /// </summary>
    public static IReadOnlyList<LayerInfo> Read(OnnxNetwork network, int? height = null, int? width = null)
    {
        var declared = network.InputSize;
        int h = height ?? declared?.Height ?? OnnxNetwork.DefaultInputSide, w = width ?? declared?.Width ?? OnnxNetwork.DefaultInputSide;
        int c = network.InputChannels;
        if ((long)c * h * w > MaxInputValues)
            throw LayerProbeException.For(network.Path, $"an input of {c}x{h}x{w} is larger than a layer table runs ({MaxInputValues} values)");
        var producers = new Dictionary<string, Onnx.NodeProto>();
        foreach (var (v, node) in network.NodeOutputs()) producers[v] = node;
        var candidates = network.Activations.Where(v => producers[v].OpType != "Identity").ToArray();
        if (candidates.Length == 0) return [];
        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL, LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL };
        using var session = OnnxSession.Create(network, network.WithOutputs(candidates), options);
        var rows = new List<LayerInfo>();
        try
        {
            using var input = OrtValue.CreateTensorValueFromMemory(new float[c * h * w], [1, c, h, w]);
            using var runOptions = new RunOptions();
            using var results = session.Run(runOptions, [network.InputName], [input], candidates);
            for (int i = 0; i < candidates.Length; i++)
            {
                if (!results[i].IsTensor) continue;
                var info = results[i].GetTensorTypeAndShape();
                if (info.ElementDataType != TensorElementType.Float) continue;
                var node = producers[candidates[i]];
                rows.Add(new LayerInfo(network.Aliases.AliasOf(candidates[i]), candidates[i], node.OpType, node.Name,
                    info.Shape.Skip(1).Select(d => (int)d).ToArray()));
            }
        }
        catch (OnnxRuntimeException e) { throw OnnxSession.Failure(network, "run", e); }
        return rows;
    }
}
