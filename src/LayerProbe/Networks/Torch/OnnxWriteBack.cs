using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;
using static TorchSharp.torch;

namespace LayerProbe.Networks.Torch;

/// <summary>
/// Writes a <see cref="TorchNetwork"/>'s current parameters and BatchNormalization running statistics back into
/// the ONNX initializers of its source model, giving a valid ONNX file (snapshots of training are ONNX too).
/// </summary>
public static class OnnxWriteBack
{
    /// <summary>A copy of the network's source model with every trainable/buffer initializer replaced.</summary>
    public static ModelProto WriteBack(this TorchNetwork network)
    {
        var model = network.Model.Clone();
        var state = network.Weights.Select(p => (p.Key, (Tensor)p.Value)).Concat(network.Buffers.Select(b => (b.Key, b.Value)))
            .ToDictionary(p => p.Item1, p => p.Item2);
        using var scope = NewDisposeScope();
        foreach (var init in model.Graph.Initializer)
        {
            if (!state.TryGetValue(init.Name, out var tensor)) continue;
            var values = tensor.detach().cpu().to_type(ScalarType.Float32).contiguous().data<float>().ToArray();
            if (values.LongLength != OnnxTensors.Count(init))
                throw LayerProbeException.For(network.Source, $"initializer '{init.Name}' changed size ({values.LongLength} vs {OnnxTensors.Count(init)})");
            init.FloatData.Clear();
            init.DataType = OnnxTensors.Float;
            init.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values.AsSpan()));
        }
        return model;
    }

    /// <summary>The written-back model as ONNX bytes.</summary>
    public static byte[] WriteBackBytes(this TorchNetwork network) => network.WriteBack().ToByteArray();
}
