using System.Globalization;
using LayerProbe.Data;
using LayerProbe.Networks;

namespace LayerProbe.Features;

/// <summary>
/// Turns a data specification <c>scheme:argument</c> into an item set and the preprocessor that fits the network
/// (<see cref="Preprocessing.For"/>). Schemes live in one dictionary:
/// <c>images:DIR</c> (class sub-folders of images, <see cref="ImageFolderItems"/>),
/// <c>fashion-mnist:SPLIT[:PER_CLASS[:SEED]]</c> (a seeded stratified subset when PER_CLASS is given, seed 0 by default),
/// <c>voc2007:DEVKIT_DIR:SPLIT[:images|gt-boxes|proposals:STORE_DIR]</c> (whole images by default; boxes and regions —
/// GT boxes then proposals per image, <see cref="Regions.VocRegions"/> — get R-CNN's 16 pixels of context).
/// </summary>
public static class ItemSetSources
{
    /// <summary>Builds the items for <paramref name="argument"/> and the warp context (pixels) their regions need.</summary>
    public delegate (IItemSet Items, int ContextPadding) Factory(string argument);

    const int RcnnContext = 16;

    static readonly Dictionary<string, Factory> Schemes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["images"] = directory => (new ImageFolderItems(Required(directory, "images:DIR")), 0),
        ["fashion-mnist"] = FashionMnistSource,
        ["voc2007"] = VocSource,
    };

    /// <summary>Known schemes.</summary>
    public static IEnumerable<string> Names => Schemes.Keys.Order();

    /// <summary>Adds (or replaces) a scheme.</summary>
    public static void Register(string scheme, Factory factory) => Schemes[scheme] = factory;

    /// <summary>Resolves <c>scheme:argument</c>; an unknown scheme or a malformed argument is a one-line user error.</summary>
    public static (IItemSet Items, IPreprocessor Preprocessor) Create(string specification, OnnxNetwork network,
        PreprocessingRequest? preprocessing = null)
    {
        int colon = specification.IndexOf(':');
        string scheme = colon < 0 ? specification : specification[..colon];
        string argument = colon < 0 ? "" : specification[(colon + 1)..];
        if (!Schemes.TryGetValue(scheme, out var factory))
            throw LayerProbeException.For("--data", $"unknown data source '{scheme}' (known: {string.Join(", ", Names)})");
        var (items, padding) = factory(argument);
        return (items, Preprocessing.For(network, preprocessing ?? PreprocessingRequest.Automatic, padding));
    }

    static (IItemSet, int) FashionMnistSource(string argument)
    {
        const string usage = "fashion-mnist:SPLIT[:PER_CLASS[:SEED]]";
        var parts = Required(argument, usage).Split(':');
        if (parts.Length > 3) throw LayerProbeException.For("--data", $"too many fields in 'fashion-mnist:{argument}' (expected {usage})");
        var data = FashionMnist.Load(parts[0]);
        if (parts.Length == 1) return (new FashionMnistItems(data), 0);
        int perClass = Positive(parts[1], "PER_CLASS", usage);
        int seed = parts.Length == 3 ? Integer(parts[2], "SEED", usage) : 0;
        var indices = StratifiedSubset.Select(data.Labels, FashionMnist.ClassNames.Count, perClass, seed);
        return (new FashionMnistItems(data, indices), 0);
    }

    /// <summary>
    /// The region items of <c>voc2007:DEVKIT_DIR:SPLIT:proposals:STORE_DIR</c> without a network (for readers of stores
    /// already extracted, e.g. detection with saved detectors); <paramref name="option"/> names the option in errors.
    /// </summary>
    public static Regions.VocRegions RegionItems(string specification, string option)
    {
        const string prefix = "voc2007:";
        var parts = specification.StartsWith(prefix, StringComparison.Ordinal) ? specification[prefix.Length..].Split(':', 4) : [];
        if (parts.Length != 4 || parts[2] != "proposals")
            throw LayerProbeException.For(option, $"'{specification}' are not region items (voc2007:DEVKIT_DIR:SPLIT:proposals:STORE_DIR)");
        return new Regions.VocRegions(new VocDevkit(parts[0]), parts[1], parts[3]);
    }

    static (IItemSet, int) VocSource(string argument)
    {
        const string usage = "voc2007:DEVKIT_DIR:SPLIT[:images|gt-boxes|proposals:STORE_DIR]";
        var parts = Required(argument, usage).Split(':', 4);
        if (parts.Length == 4 && parts[2] == "proposals") return (RegionItems("voc2007:" + argument, "--data"), RcnnContext);
        if (parts.Length is < 2 or > 3) throw LayerProbeException.For("--data", $"'voc2007:{argument}' does not match {usage}");
        var devkit = new VocDevkit(parts[0]);
        return (parts.Length == 3 ? parts[2] : "images") switch
        {
            "images" => (new VocWholeImages(devkit, parts[1]), 0),
            "gt-boxes" => (new VocGtBoxes(devkit, parts[1]), RcnnContext),
            var other => throw LayerProbeException.For("--data", $"unknown VOC item kind '{other}' (images, gt-boxes, proposals:STORE_DIR)"),
        };
    }

    static string Required(string argument, string usage) =>
        argument.Length > 0 ? argument : throw LayerProbeException.For("--data", $"missing argument (expected {usage})");

    static int Integer(string text, string name, string usage) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) ? v
            : throw LayerProbeException.For("--data", $"{name} '{text}' is not an integer (expected {usage})");

    static int Positive(string text, string name, string usage) =>
        Integer(text, name, usage) is var v and > 0 ? v : throw LayerProbeException.For("--data", $"{name} must be positive, got {text} (expected {usage})");
}
