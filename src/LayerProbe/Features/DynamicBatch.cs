using Google.Protobuf;
using Onnx;

namespace LayerProbe.Features;

/// <summary>
/// Makes a model batchable: exported models often fix the batch dimension to 1 (the CNTK ResNet-18 does); this
/// turns a leading dimension of 1 on the data input, the outputs and the recorded value shapes into a symbolic
/// <c>N</c>. Graphs that bake the batch size into operators (e.g. a Reshape to [1, -1]) still need batch 1.
/// </summary>
public static class DynamicBatch
{
    /// <summary>The model bytes with a symbolic batch dimension.</summary>
    public static byte[] Free(byte[] modelBytes)
    {
        var model = ModelProto.Parser.ParseFrom(modelBytes);
        var initializers = model.Graph.Initializer.Select(t => t.Name).ToHashSet();
        var values = model.Graph.Input.Where(i => !initializers.Contains(i.Name)).Concat(model.Graph.Output).Concat(model.Graph.ValueInfo);
        foreach (var value in values)
        {
            var dims = value.Type?.TensorType?.Shape?.Dim;
            if (dims is { Count: > 0 } && dims[0].ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue && dims[0].DimValue == 1)
                dims[0] = new TensorShapeProto.Types.Dimension { DimParam = "N" };
        }
        return model.ToByteArray();
    }
}
