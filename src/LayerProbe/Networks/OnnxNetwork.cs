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
    OnnxNetwork(string path, ModelProto model, string sha256, string? inputName, string? originSha256)
    {
        Path = path;
        Model = model;
        Sha256 = sha256;
        OriginSha256 = originSha256 ?? sha256;
        var initializers = model.Graph.Initializer.Select(t => t.Name).ToHashSet();
        DataInputs = model.Graph.Input.Where(i => !initializers.Contains(i.Name)).Select(i => i.Name).ToList();
        if (DataInputs.Count == 0) throw LayerProbeException.For(path, "the graph has no data input");
        if (inputName is not null && !DataInputs.Contains(inputName))
            throw LayerProbeException.For(path, $"--input {inputName}: no such data input (the graph takes {Quoted(DataInputs)})");
        if (inputName is null && DataInputs.Count > 1)
            throw LayerProbeException.For(path, $"the graph takes {DataInputs.Count} inputs ({Quoted(DataInputs)}); choose the image input with --input NAME");
        var input = model.Graph.Input.First(i => i.Name == (inputName ?? DataInputs[0]));
        InputName = input.Name;
        InputShape = input.Type?.TensorType?.Shape?.Dim.Select(d => d.DimValue switch
        {
            > int.MaxValue => throw LayerProbeException.For(path, $"input '{input.Name}' declares a dimension of {d.DimValue}"),
            > 0 => (int)d.DimValue,
            _ => -1,
        }).ToArray() ?? [];
        Activations = ActivationValues.Of(model, InputName);
        Aliases = LayerAliases.For(model, InputName, Activations);
    }

    static string Quoted(IEnumerable<string> names) => string.Join(", ", names.Select(n => $"'{n}'"));

    /// <summary>Input side used when the network does not fix its own (documented for every command).</summary>
    public const int DefaultInputSide = 224;

    /// <summary>Where the network was read from.</summary>
    public string Path { get; }
    /// <summary>The parsed ONNX model. Treat as read-only; use <see cref="WithOutputs"/> to derive variants.</summary>
    public ModelProto Model { get; }
    /// <summary>SHA-256 of the file bytes (hex); part of every feature-store key.</summary>
    public string Sha256 { get; }
    /// <summary>
    /// SHA-256 of the file this network was derived from (itself when read from a file): an input adaptation
    /// (<see cref="InputAdaptation.WithInput"/>) has its own <see cref="Sha256"/> but keeps the origin's, so evidence
    /// about the original file (such as the shipped ResNet-18's hash) still applies.
    /// </summary>
    public string OriginSha256 { get; }
    /// <summary>Name of the image input tensor.</summary>
    public string InputName { get; }
    /// <summary>Every data input (graph inputs without an initializer), in graph order.</summary>
    public IReadOnlyList<string> DataInputs { get; }
    /// <summary>Float activations of the image, in graph order (<see cref="ActivationValues"/>): what layers can be.</summary>
    public IReadOnlyList<string> Activations { get; }
    /// <summary>Declared input shape, -1 where dynamic (usually [N, C, H, W]).</summary>
    public int[] InputShape { get; }
    /// <summary>Paper-vocabulary layer names (conv1, pool5, fc7, …) mapped to graph value names.</summary>
    public LayerAliases Aliases { get; }

    /// <summary>
    /// Reads an ONNX file, or a well-known model name from <see cref="ModelCatalog"/>. A graph with several data inputs
    /// needs <paramref name="inputName"/>, the image input; the others must not feed the layers asked for.
    /// </summary>
    public static OnnxNetwork Load(string pathOrName, string? inputName = null)
    {
        string path = ModelCatalog.Resolve(pathOrName);
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        { throw LayerProbeException.For(path, $"cannot read the model ({e.Message})", e); }
        return FromBytes(bytes, path, inputName);
    }

    /// <summary>
    /// Parses ONNX bytes; <paramref name="path"/> names them in errors, <paramref name="inputName"/> picks the image input
    /// of a graph with several, <paramref name="originSha256"/> is the hash of the file they were derived from.
    /// </summary>
    public static OnnxNetwork FromBytes(byte[] bytes, string path, string? inputName = null, string? originSha256 = null)
    {
        ModelProto model;
        try { model = ModelProto.Parser.ParseFrom(bytes); }
        catch (InvalidProtocolBufferException e) { throw LayerProbeException.For(path, "not an ONNX model (protobuf parse failed)", e); }
        if (model.Graph is null || model.Graph.Node.Count == 0) throw LayerProbeException.For(path, "the ONNX model has an empty graph");
        return new OnnxNetwork(path, model, Convert.ToHexStringLower(SHA256.HashData(bytes)), inputName, originSha256);
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
        if (Activations.Contains(layer)) return layer;
        if (NodeOutputs().FirstOrDefault(o => o.Value == layer) is { Node: { } node })
            throw LayerProbeException.For(Path, $"'{layer}' ({node.OpType}) is not a float activation of the image input '{InputName}' " +
                "(shape arithmetic, a constant, an index or mask output, or a value needing another input)");
        var names = Aliases.Names.Any() ? Aliases.Names : Activations;
        var known = string.Join(", ", names.Take(40)) + (names.Count() > 40 ? $", … ({names.Count()} in all; see `layerprobe layers`)" : "");
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
        if (DataInputs.Count > 1) KeepOnlyImageInput(model);
        return model.ToByteArray();
    }

    /// <summary>
    /// Drops the nodes the outputs do not need and then the data inputs besides the image, so ONNX Runtime does not ask
    /// for them; an output that needs another input is a one-line error naming it.
    /// </summary>
    void KeepOnlyImageInput(ModelProto model)
    {
        var producer = new Dictionary<string, NodeProto>();
        foreach (var n in model.Graph.Node) foreach (var o in n.Output) producer[o] = n;
        var needed = new HashSet<NodeProto>(ReferenceEqualityComparer.Instance);
        var neededValues = new HashSet<string>();
        var pending = new Stack<string>(model.Graph.Output.Select(o => o.Name));
        while (pending.Count > 0)
        {
            var v = pending.Pop();
            if (!neededValues.Add(v)) continue;
            if (producer.TryGetValue(v, out var n) && needed.Add(n)) foreach (var i in n.Input.Where(i => i.Length > 0)) pending.Push(i);
        }
        var others = DataInputs.Where(i => i != InputName && neededValues.Contains(i)).ToList();
        if (others.Count > 0)
            throw LayerProbeException.For(Path, $"the requested layers need the input(s) {Quoted(others)} besides the image input '{InputName}'");
        var kept = model.Graph.Node.Where(needed.Contains).ToList();
        model.Graph.Node.Clear();
        model.Graph.Node.AddRange(kept);
        var drop = model.Graph.Input.Where(i => i.Name != InputName && DataInputs.Contains(i.Name)).ToList();
        foreach (var i in drop) model.Graph.Input.Remove(i);
    }
}
