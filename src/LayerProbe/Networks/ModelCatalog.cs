namespace LayerProbe.Networks;

/// <summary>
/// Well-known network names that resolve to ONNX files shipped with the tool, so users never hunt in a NuGet cache.
/// <c>resnet18-imagenet</c>: the ImageNet-trained ResNet-18 from NuGet <c>Microsoft.ML.DnnImageFeaturizer.ResNet18</c>
/// 0.23.1 (copied beside the binaries by the build).
/// </summary>
public static class ModelCatalog
{
    /// <summary>Name of the embedded ImageNet ResNet-18.</summary>
    public const string ResNet18ImageNet = "resnet18-imagenet";
    /// <summary>Name of the ResNet-18's companion preprocessing graph (ResNetPreprocess.onnx).</summary>
    public const string ResNet18ImageNetPreprocess = "resnet18-imagenet-preprocess";

    static readonly Dictionary<string, string> Shipped = new(StringComparer.OrdinalIgnoreCase)
    {
        [ResNet18ImageNet] = System.IO.Path.Combine("DnnImageModels", "ResNet18Onnx", "ResNet18.onnx"),
        [ResNet18ImageNetPreprocess] = System.IO.Path.Combine("DnnImageModels", "ResNetPrepOnnx", "ResNetPreprocess.onnx"),
    };

    /// <summary>The names this catalog knows.</summary>
    public static IEnumerable<string> Names => Shipped.Keys;

    /// <summary>A file path as is (it must exist), or the shipped file behind a well-known name.</summary>
    public static string Resolve(string pathOrName)
    {
        if (Shipped.TryGetValue(pathOrName, out var relative))
        {
            var path = System.IO.Path.Combine(AppContext.BaseDirectory, relative);
            if (!File.Exists(path)) throw LayerProbeException.For(path, $"model '{pathOrName}' is not beside the binaries (rebuild restores it from NuGet)");
            return path;
        }
        if (!File.Exists(pathOrName))
            throw LayerProbeException.For(pathOrName, $"no such model file (well-known names: {string.Join(", ", Names)})");
        return pathOrName;
    }
}
