using Microsoft.ML.OnnxRuntime;

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
/// Lists every layer of a network with its output shape for a given input size, by running ONNX Runtime once on a
/// zero image with every node output exposed (so shapes are what the runtime computes, not a re-derivation).
/// </summary>
public static class LayerTable
{
    /// <summary>
    /// Largest zero image (C·H·W values, 64 MiB of float32, e.g. 3×2364×2364) a layer table runs: the input size comes
    /// from the model file or the caller, and a few mutated bytes must not make it ask for gigabytes.
    /// </summary>
    public const long MaxInputValues = 1L << 24;

    /// <summary>All node outputs of <paramref name="network"/> for an input of the given size (default: declared).</summary>
    public static IReadOnlyList<LayerInfo> Read(OnnxNetwork network, int? height = null, int? width = null)
    {
        var declared = network.InputSize;
        int h = height ?? declared?.Height ?? 224, w = width ?? declared?.Width ?? 224, c = network.InputChannels;
        if ((long)c * h * w > MaxInputValues)
            throw LayerProbeException.For(network.Path, $"an input of {c}x{h}x{w} is larger than a layer table runs ({MaxInputValues} values)");
        var outputs = network.NodeOutputs().ToList();
        var names = outputs.Select(o => o.Value).Distinct().ToArray();
        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL, LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL };
        using var session = OnnxSession.Create(network, network.WithOutputs(names), options);
        var shapes = new Dictionary<string, long[]>();
        try
        {
            using var input = OrtValue.CreateTensorValueFromMemory(new float[c * h * w], [1, c, h, w]);
            using var runOptions = new RunOptions();
            using var results = session.Run(runOptions, [network.InputName], [input], names);
            for (int i = 0; i < names.Length; i++)
                if (results[i].IsTensor) shapes[names[i]] = results[i].GetTensorTypeAndShape().Shape;
        }
        catch (OnnxRuntimeException e) { throw OnnxSession.Failure(network, "run", e); }
        return outputs.Select(o => new LayerInfo(network.Aliases.AliasOf(o.Value), o.Value, o.Node.OpType, o.Node.Name,
            shapes.TryGetValue(o.Value, out var s) ? s.Skip(1).Select(d => (int)d).ToArray() : [])).ToList();
    }
}
