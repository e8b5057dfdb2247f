using System.Security.Cryptography;
using Google.Protobuf;
using Onnx;

namespace LayerProbe.Networks;

/// <summary>
/// A convolutional network as an ONNX graph: the one network format of LayerProbe. Imported, built, trained and
/// fine-tuned networks are all ONNX files; this type reads one, names its layers and lets any layer be exposed
/// as an extra graph output for extraction.
/// </summary>
public sealed class OnnxNetwork
{
    OnnxNetwork(string path, ModelProto model, string sha256)
    {
        Path = path;
        Model = model;
        Sha256 = sha256;
        var initializers = model.Graph.Initializer.Select(t => t.Name).ToHashSet();
        var input = model.Graph.Input.FirstOrDefault(i => !initializers.Contains(i.Name))
            ?? throw LayerProbeException.For(path, "the graph has no data input");
        InputName = input.Name;
        InputShape = input.Type?.TensorType?.Shape?.Dim.Select(d => d.DimValue switch
        {
            > int.MaxValue => throw LayerProbeException.For(path, $"input '{input.Name}' declares a dimension of {d.DimValue}"),
            > 0 => (int)d.DimValue,
            _ => -1,
        }).ToArray() ?? [];
        Aliases = LayerAliases.For(model);
    }

    /// <summary>Where the network was read from.</summary>
    public string Path { get; }
    /// <summary>The parsed ONNX model. Treat as read-only; use <see cref="WithOutputs"/> to derive variants.</summary>
    public ModelProto Model { get; }
    /// <summary>SHA-256 of the file bytes (hex); part of every feature-store key.</summary>
    public string Sha256 { get; }
    /// <summary>Name of the image input tensor.</summary>
    public string InputName { get; }
    /// <summary>Declared input shape, -1 where dynamic (usually [N, C, H, W]).</summary>
    public int[] InputShape { get; }
    /// <summary>Paper-vocabulary layer names (conv1, pool5, fc7, …) mapped to graph value names.</summary>
    public LayerAliases Aliases { get; }

    /// <summary>Reads an ONNX file, or a well-known model name from <see cref="ModelCatalog"/>.</summary>
    public static OnnxNetwork Load(string pathOrName)
    {
        string path = ModelCatalog.Resolve(pathOrName);
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        { throw LayerProbeException.For(path, $"cannot read the model ({e.Message})", e); }
        return FromBytes(bytes, path);
    }

    /// <summary>Parses ONNX bytes; <paramref name="path"/> names them in errors.</summary>
    public static OnnxNetwork FromBytes(byte[] bytes, string path)
    {
        ModelProto model;
        try { model = ModelProto.Parser.ParseFrom(bytes); }
        catch (InvalidProtocolBufferException e) { throw LayerProbeException.For(path, "not an ONNX model (protobuf parse failed)", e); }
        if (model.Graph is null || model.Graph.Node.Count == 0) throw LayerProbeException.For(path, "the ONNX model has an empty graph");
        return new OnnxNetwork(path, model, Convert.ToHexStringLower(SHA256.HashData(bytes)));
    }

    /// <summary>Number of channels of the input (C in N×C×H×W), or 3 when undeclared.</summary>
    public int InputChannels => InputShape.Length == 4 && InputShape[1] > 0 ? InputShape[1] : 3;

    /// <summary>Declared input height × width, or null when dynamic.</summary>
    public (int Height, int Width)? InputSize =>
        InputShape.Length == 4 && InputShape[2] > 0 && InputShape[3] > 0 ? (InputShape[2], InputShape[3]) : null;

    /// <summary>Every value produced by a node, in graph order, with the node that produces it.</summary>
    public IEnumerable<(string Value, NodeProto Node)> NodeOutputs() =>
        Model.Graph.Node.SelectMany(n => n.Output.Where(o => o.Length > 0).Select(o => (o, n)));

    /// <summary>
    /// Resolves a layer name (paper alias such as <c>pool5</c>, or a raw graph value name) to the graph value name.
    /// Unknown names are a <see cref="LayerProbeException"/> listing what exists.
    /// </summary>
    public string ResolveLayer(string layer)
    {
        if (Aliases.TryResolve(layer, out var value)) return value;
        if (NodeOutputs().Any(o => o.Value == layer)) return layer;
        var known = Aliases.Names.Any() ? string.Join(", ", Aliases.Names) : string.Join(", ", NodeOutputs().Select(o => o.Value).Take(40));
        throw LayerProbeException.For(Path, $"unknown layer '{layer}' (known: {known})");
    }

    /// <summary>
    /// The model bytes with the given values as graph outputs (in that order, replacing the original outputs),
    /// so one ONNX Runtime forward pass yields every requested layer.
    /// </summary>
    public byte[] WithOutputs(IEnumerable<string> valueNames)
    {
        var model = Model.Clone();
        var known = model.Graph.Output.Concat(model.Graph.ValueInfo).GroupBy(v => v.Name).ToDictionary(g => g.Key, g => g.First());
        model.Graph.Output.Clear();
        foreach (var name in valueNames)
            model.Graph.Output.Add(known.TryGetValue(name, out var info) ? info.Clone() : new ValueInfoProto { Name = name });
        return model.ToByteArray();
    }
}
