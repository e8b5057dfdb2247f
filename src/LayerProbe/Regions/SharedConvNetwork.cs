using Google.Protobuf;
using LayerProbe.Networks;
using Onnx;

namespace LayerProbe.Regions;

/// <summary>Who max-pools the regions of interest of a shared-convolution pass.</summary>
public enum RoiPoolEngine
{
    /// <summary>The standard ONNX <c>MaxRoiPool</c> operator in the same ONNX Runtime session as the head.</summary>
    Ort,
    /// <summary>LayerProbe's <see cref="RoiMaxPool"/>, its rows then fed to the head subgraph's session.</summary>
    Managed,
}

/// <summary>
/// A network split for shared-convolution region features (SPP-net, Fast R-CNN): the convolutional part up to a layer,
/// run once per image at any size, and the head after it, run on every region's window of that layer's feature map
/// max-pooled to a fixed grid. Everything is read from the graph: the layer's <see cref="Stride"/>
/// (<see cref="EffectiveStride"/>), the value the pooling stands for (<see cref="PooledValue"/>: the layer's only
/// consumer when that is a max pool — CaffeNet's pool5 after relu5, as Fast R-CNN replaces the last max pool — else
/// the layer itself, as in ResNet detectors that pool res4), and the grid (that value's height × width at the network's
/// declared input size: 6×6 for CaffeNet).
/// </summary>
public sealed class SharedConvNetwork
{
    /// <summary>Input names of the RoI-pooling model (<see cref="RoiPoolModel"/>).</summary>
    public const string FeatureMapInput = "layerprobe_feature_map", RoisInput = "layerprobe_rois";

    SharedConvNetwork(OnnxNetwork network, string layer, string featureValue, string pooledValue, int stride, int[] featureShape, int[] pooledShape, int declaredHeight, int declaredWidth)
    {
        Network = network; Layer = layer; FeatureValue = featureValue; PooledValue = pooledValue; Stride = stride;
        Channels = featureShape[0]; GridHeight = pooledShape[1]; GridWidth = pooledShape[2];
        // Each step of `stride` input pixels less takes exactly one cell off the map (floor/ceil stages compose that way),
        // so the map is at least the grid from declared − (map − grid)·stride on.
        MinimumSide = Math.Max(declaredHeight - (featureShape[1] - GridHeight) * stride, declaredWidth - (featureShape[2] - GridWidth) * stride);
    }

    /// <summary>The whole network.</summary>
    public OnnxNetwork Network { get; }
    /// <summary>The layer as named by the user.</summary>
    public string Layer { get; }
    /// <summary>Graph value of the convolutional layer computed once per image.</summary>
    public string FeatureValue { get; }
    /// <summary>Graph value each region's pooled window stands for (pool5 for CaffeNet's relu5).</summary>
    public string PooledValue { get; }
    /// <summary>Effective stride of <see cref="FeatureValue"/> in input pixels (spatial scale = 1/Stride).</summary>
    public int Stride { get; }
    /// <summary>Channels of the feature map.</summary>
    public int Channels { get; }
    /// <summary>Pooling grid height.</summary>
    public int GridHeight { get; }
    /// <summary>Pooling grid width.</summary>
    public int GridWidth { get; }
    /// <summary>
    /// The smallest image side at which the feature map is at least the grid (CaffeNet relu5: 227 − (13 − 6)·16 = 115);
    /// smaller images are scaled up to it (and ONNX Runtime is never asked to run the layers on an image too small for them).
    /// </summary>
    public int MinimumSide { get; }
    /// <summary>Shape of one pooled row: C × grid.</summary>
    public int[] PooledShape => [Channels, GridHeight, GridWidth];
    /// <summary>All of the split in one line (manifests, store keys).</summary>
    public string Description => $"layer={FeatureValue},stride={Stride},pooled={PooledValue},grid={GridHeight}x{GridWidth}";

    /// <summary>Splits <paramref name="network"/> at <paramref name="layer"/>; a layer without spatial extent or without a derivable stride is one line.</summary>
    public static SharedConvNetwork For(OnnxNetwork network, string layer)
    {
        string value = network.ResolveLayer(layer);
        var declared = network.InputSize;
        int h = declared?.Height ?? OnnxNetwork.DefaultInputSide, w = declared?.Width ?? OnnxNetwork.DefaultInputSide;
        var shapes = LayerTable.Read(network, h, w).ToDictionary(r => r.Value, r => r.Shape, StringComparer.Ordinal);
        if (!shapes.TryGetValue(value, out var shape)) throw LayerProbeException.For(network.Path, $"layer '{layer}' is not a float activation of the image");
        if (shape.Length != 3 || shape[1] < 1 || shape[2] < 1)
            throw LayerProbeException.For(network.Path, $"layer '{layer}' has no spatial extent (shape {string.Join("x", shape)} per image); RoI pooling needs a convolutional layer C×H×W");
        shapes[network.InputName] = [network.InputChannels, h, w];
        if (!EffectiveStride.Of(network, shapes).TryGetValue(value, out var stride))
            throw LayerProbeException.For(network.Path, $"the effective stride of layer '{layer}' cannot be derived from the graph (a resize, a transposed convolution or two resolutions meeting on the way)");
        if (stride.Y != stride.X)
            throw LayerProbeException.For(network.Path, $"layer '{layer}' has strides {stride.Y} (vertical) and {stride.X} (horizontal); RoI pooling needs one stride");
        var consumers = network.Model.Graph.Node.Where(n => n.Input.Contains(value)).ToList();
        bool replacesPool = consumers.Count == 1 && consumers[0].OpType == "MaxPool" && shapes.ContainsKey(consumers[0].Output[0])
            && network.Model.Graph.Output.All(o => o.Name != value);
        string pooled = replacesPool ? consumers[0].Output[0] : value;
        return new SharedConvNetwork(network, layer, value, pooled, stride.Y, shape, shapes[pooled], h, w);
    }

    /// <summary>The convolutional part: image (N × C × H × W, any H and W) → <see cref="FeatureValue"/>.</summary>
    public byte[] ConvModel() =>
        HeadSubgraph.Cut(Network, Network.InputName, [FeatureValue], [Network.InputChannels, "H", "W"]).ToByteArray();

    /// <summary>
    /// Pooled rows → <paramref name="targets"/> (values computed from <see cref="PooledValue"/>), for pooling done
    /// outside the graph; null when the only target is the pooled value itself. The fully connected layers of
    /// <paramref name="fcRanks"/> run factored (<see cref="FcCompression"/>, factors kept in <paramref name="factorCache"/>).
    /// </summary>
    public byte[]? HeadModel(IReadOnlyList<string> targets, IReadOnlyDictionary<string, int>? fcRanks = null, string? factorCache = null)
    {
        var later = targets.Where(t => t != PooledValue).ToList();
        return later.Count == 0 ? null : Head(later, fcRanks, factorCache).ToByteArray();
    }

    ModelProto Head(List<string> later, IReadOnlyDictionary<string, int>? fcRanks, string? factorCache)
    {
        var head = HeadSubgraph.Cut(Network, PooledValue, later, [Channels, GridHeight, GridWidth]);
        return fcRanks is null ? head : FcCompression.Apply(Network, head, fcRanks, factorCache);
    }

    /// <summary>
    /// (one feature map 1 × C × H × W as <see cref="FeatureMapInput"/>, R regions as <see cref="RoisInput"/>:
    /// R × [batch index, x1, y1, x2, y2] in the scaled image's 0-based pixels) → <paramref name="targets"/>, the pooling
    /// done by the standard ONNX <c>MaxRoiPool</c> (spatial_scale 1/<see cref="Stride"/>, pooled_shape the grid), which
    /// ONNX Runtime's CPU provider implements with Fast R-CNN's rule (checked against a transcription in the tests).
    /// The fully connected layers of <paramref name="fcRanks"/> run factored (<see cref="FcCompression"/>, factors kept in <paramref name="factorCache"/>).
    /// </summary>
    public byte[] RoiPoolModel(IReadOnlyList<string> targets, IReadOnlyDictionary<string, int>? fcRanks = null, string? factorCache = null)
    {
        var later = targets.Where(t => t != PooledValue).ToList();
        ModelProto model = later.Count > 0 ? Head(later, fcRanks, factorCache)
            : new ModelProto { IrVersion = Network.Model.IrVersion, Graph = new GraphProto(), ProducerName = "LayerProbe head subgraph" };
        if (later.Count == 0) model.OpsetImport.AddRange(Network.Model.OpsetImport);
        var graph = model.Graph;
        graph.Name = $"{Network.Model.Graph.Name}:roi-pool({FeatureValue})->{string.Join(",", targets)}";
        graph.Input.Clear();
        var builder = new OnnxGraphBuilder("inputs").Input(FeatureMapInput, 1, Channels, "H", "W").Input(RoisInput, "R", 5);
        builder.Node("MaxRoiPool", "layerprobe_roi_pool", [FeatureMapInput, RoisInput], PooledValue,
            OnnxGraphBuilder.Ints("pooled_shape", GridHeight, GridWidth), OnnxGraphBuilder.Float("spatial_scale", 1f / Stride));
        var added = builder.ToModel().Graph;
        graph.Input.AddRange(added.Input);
        graph.Node.Insert(0, added.Node[0]);
        graph.Output.Clear();
        foreach (var t in targets) graph.Output.Add(new ValueInfoProto { Name = t });
        return model.ToByteArray();
    }
}
