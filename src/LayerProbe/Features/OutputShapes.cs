using LayerProbe.Data;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace LayerProbe.Features;

/// <summary>Per-item output shapes of a session's outputs, read off one batch-1 run on a zero input.</summary>
static class OutputShapes
{
    /// <summary>Shapes (batch dimension dropped) of <paramref name="outputs"/>, in that order.</summary>
    public static int[][] Probe(InferenceSession session, string inputName, IPreprocessor preprocessor, IReadOnlyList<string> outputs)
    {
        var input = new float[preprocessor.Channels * preprocessor.Height * preprocessor.Width];
        using var value = OrtValue.CreateTensorValueFromMemory(input, [1, preprocessor.Channels, preprocessor.Height, preprocessor.Width]);
        using var runOptions = new RunOptions();
        using var results = session.Run(runOptions, [inputName], [value], outputs.ToArray());
        var shapes = new int[outputs.Count][];
        for (int i = 0; i < outputs.Count; i++)
        {
            var info = results[i].GetTensorTypeAndShape();
            if (info.ElementDataType != TensorElementType.Float)
                throw LayerProbeException.For(outputs[i], $"layer output is {info.ElementDataType}, only float32 layers can be stored");
            if (info.Shape.Length < 2 || info.Shape[0] != 1)
                throw LayerProbeException.For(outputs[i], $"layer output shape [{string.Join("x", info.Shape)}] has no batch dimension");
            shapes[i] = info.Shape.Skip(1).Select(d => (int)d).ToArray();
            if (shapes[i].Length > 3)
                throw LayerProbeException.For(outputs[i], $"layer output shape [{string.Join("x", info.Shape)}] has more than C×H×W per item");
        }
        return shapes;
    }
}
