using Microsoft.ML.OnnxRuntime;

namespace LayerProbe.Networks;

/// <summary>Creates ONNX Runtime sessions, turning runtime failures (unsupported op, bad graph) into one clear line.</summary>
public static class OnnxSession
{
    /// <summary>A session over <paramref name="modelBytes"/> (a variant of <paramref name="network"/>).</summary>
    public static InferenceSession Create(OnnxNetwork network, byte[] modelBytes, SessionOptions? options = null)
    {
        try { return options is null ? new InferenceSession(modelBytes) : new InferenceSession(modelBytes, options); }
        catch (OnnxRuntimeException e) { throw Failure(network, "load", e); }
    }

    /// <summary>The one-line refusal for ONNX Runtime failing to <paramref name="verb"/> (load, run) the model.</summary>
    public static LayerProbeException Failure(OnnxNetwork network, string verb, OnnxRuntimeException e) =>
        LayerProbeException.For(network.Path, $"ONNX Runtime cannot {verb} the model: {FirstLine(e.Message)}", e);

    static string FirstLine(string message) => message.Split('\n')[0].Trim();
}
