using Onnx;

namespace LayerProbe.Networks.Torch;

/// <summary>Typed access to a node's attributes with ONNX defaults.</summary>
sealed class NodeAttributes(NodeProto node)
{
    AttributeProto? Find(string name) => node.Attribute.FirstOrDefault(a => a.Name == name);

    public bool Has(string name) => Find(name) is not null;
    public long Int(string name, long fallback) => Find(name) is { } a ? a.I : fallback;
    public float Float(string name, float fallback) => Find(name) is { } a ? a.F : fallback;
    public string String(string name, string fallback) => Find(name) is { } a ? a.S.ToStringUtf8() : fallback;
    public long[]? Ints(string name) => Find(name) is { } a ? a.Ints.ToArray() : null;
    public float[]? Floats(string name) => Find(name) is { } a ? a.Floats.ToArray() : null;
    public TensorProto? Tensor(string name) => Find(name)?.T;
}
