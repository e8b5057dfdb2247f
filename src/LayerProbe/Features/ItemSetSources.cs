using LayerProbe.Data;
using LayerProbe.Networks;

namespace LayerProbe.Features;

/// <summary>
/// Turns a data specification <c>scheme:argument</c> into an item set and the preprocessor that fits the network.
/// Schemes live in one dictionary, so dataset readers (VOC, Fashion-MNIST) plug in with one <see cref="Register"/>
/// call each. Built in: <c>images:DIR</c> (flat image folder, bilinear resize, ImageNet mean/std).
/// </summary>
public static class ItemSetSources
{
    /// <summary>Builds the items and preprocessor for <paramref name="argument"/> and a network.</summary>
    public delegate (IItemSet Items, IPreprocessor Preprocessor) Factory(string argument, OnnxNetwork network);

    static readonly Dictionary<string, Factory> Schemes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["images"] = (directory, network) =>
        {
            var (h, w) = network.InputSize ?? (224, 224);
            return (new ImageFolderItemSet(directory), new BilinearMeanStdPreprocessor(h, w));
        },
    };

    /// <summary>Known schemes.</summary>
    public static IEnumerable<string> Names => Schemes.Keys.Order();

    /// <summary>Adds (or replaces) a scheme.</summary>
    public static void Register(string scheme, Factory factory) => Schemes[scheme] = factory;

    /// <summary>Resolves <c>scheme:argument</c>; an unknown scheme is a one-line user error.</summary>
    public static (IItemSet Items, IPreprocessor Preprocessor) Create(string specification, OnnxNetwork network)
    {
        int colon = specification.IndexOf(':');
        string scheme = colon < 0 ? specification : specification[..colon];
        string argument = colon < 0 ? "" : specification[(colon + 1)..];
        if (!Schemes.TryGetValue(scheme, out var factory))
            throw LayerProbeException.For("--data", $"unknown data source '{scheme}' (known: {string.Join(", ", Names)})");
        return factory(argument, network);
    }
}
