using System.Globalization;
using LayerProbe.Networks;
using LayerProbe.Training;

namespace LayerProbe.Data;

/// <summary>
/// The one registry of data: every <see cref="DataSpecification"/> (<c>SOURCE:ARGUMENT[:classes=…][:per-class=…][:seed=…]</c>)
/// resolves here, for probes and extraction (<see cref="Items"/>: an item set and the preprocessor that fits the
/// network) and for training (<see cref="Training"/>: a training source and its held-out source). Item sources:
/// <c>images:DIR</c> (class sub-folders, <see cref="ImageFolderItems"/>), <c>fashion-mnist:train|test</c> (also the older
/// positional <c>fashion-mnist:SPLIT:PER_CLASS[:SEED]</c>), <c>voc2007:DEVKIT_DIR:SPLIT[:images|gt-boxes|proposals:STORE_DIR[:max-proposals=N]]</c>
/// (boxes and regions get R-CNN's 16 pixels of context). Training adds <c>voc2007-windows:DEVKIT:SPLIT</c> (R-CNN
/// fine-tuning windows) and uses Fashion-MNIST as in-memory tensors. The trailing fields work the same for every
/// source. An instance is passed to the use cases; <see cref="Default"/> is the built-in one, and tests register more.
/// </summary>
public sealed partial class DataSources
{
    /// <summary>Builds the items for a specification and the warp context (pixels) their regions need.</summary>
    public delegate (IItemSet Items, int ContextPadding) ItemFactory(DataSpecification specification);

    /// <summary>R-CNN's context padding (pixels) of boxes and regions.</summary>
    internal const int RcnnContext = 16;

    /// <summary>Source of R-CNN's fine-tuning windows (training only).</summary>
    public const string WindowsSource = "voc2007-windows";

    /// <summary>The built-in sources (tests add theirs).</summary>
    public static DataSources Default { get; } = new();

    readonly Dictionary<string, ItemFactory> _items = new(StringComparer.OrdinalIgnoreCase)
    {
        ["images"] = s => (new ImageFolderItems(Required(s, "images:DIR")), 0),
        ["fashion-mnist"] = FashionMnistItemsOf,
        ["voc2007"] = VocItems,
    };

    readonly Dictionary<string, Func<(ITrainingSource Train, ITrainingSource? Test)>> _training = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Item sources by name.</summary>
    public IEnumerable<string> Schemes => _items.Keys.Order();

    /// <summary>Adds (or replaces) an item source.</summary>
    public void Register(string source, ItemFactory factory) => _items[source] = factory;

    /// <summary>Adds (or replaces) a named training data set (a train and an optional held-out source).</summary>
    public void RegisterTraining(string name, Func<(ITrainingSource Train, ITrainingSource? Test)> open) => _training[name] = open;

    /// <summary>
    /// Resolves a specification to items and the preprocessor for <paramref name="network"/>; an unknown source or a
    /// malformed specification is a one-line error naming <paramref name="parameter"/>.
    /// </summary>
    public (IItemSet Items, IPreprocessor Preprocessor) Items(string specification, OnnxNetwork network,
        PreprocessingRequest? preprocessing = null, string parameter = "data")
    {
        var spec = DataSpecification.Parse(specification, parameter);
        if (!_items.TryGetValue(spec.Source, out var factory))
            throw LayerProbeException.ForParameter(parameter, $"unknown data source '{spec.Source}' (known: {string.Join(", ", Schemes)})");
        if (spec.MaxProposals is not null && !(spec.Source.Equals("voc2007", StringComparison.OrdinalIgnoreCase) && spec.Argument.Split(':', 4) is [_, _, "proposals", _]))
            throw spec.Error("max-proposals= applies to region items (voc2007:DEVKIT:SPLIT:proposals:STORE) only");
        var (items, padding) = factory(spec);
        if (spec.Context is { } context)
            padding = padding > 0 ? context : throw spec.Error("context= applies to box and region items (voc2007:…:gt-boxes, voc2007:…:proposals:STORE) only");
        return (Subset(items, spec), Preprocessing.For(network, preprocessing ?? PreprocessingRequest.Automatic, padding));
    }

    /// <summary>As <see cref="Items"/>, for items that must carry class labels (probes, image-level training).</summary>
    public (ILabelledItemSet Items, IPreprocessor Preprocessor) Labelled(string specification, OnnxNetwork network,
        PreprocessingRequest? preprocessing = null, string parameter = "data")
    {
        var (items, preprocessor) = Items(specification, network, preprocessing, parameter);
        return items is ILabelledItemSet labelled ? (labelled, preprocessor)
            : throw LayerProbeException.ForParameter(parameter, $"'{specification}' has no class labels (use a labelled source such as fashion-mnist:, voc2007: or images: with class folders)");
    }

    /// <summary>The class subset and stratified subset of the trailing fields, applied to any labelled items.</summary>
    static IItemSet Subset(IItemSet items, DataSpecification spec)
    {
        if (!spec.HasSubset || items is FashionMnistItems && spec.Classes is null) return items; // Fashion-MNIST draws per-class itself
        if (items is not ILabelledItemSet labelled) throw spec.Error("classes=/per-class= need labelled items");
        if (spec.Classes is { } classes) labelled = new ClassSubsetItems(labelled, classes);
        if (spec.PerClass is { } n) labelled = new StratifiedItems(labelled, n, spec.Seed);
        return labelled;
    }

    static (IItemSet, int) FashionMnistItemsOf(DataSpecification spec)
    {
        const string usage = "fashion-mnist:SPLIT[:per-class=N][:seed=S]";
        var parts = Required(spec, usage).Split(':');
        if (parts.Length > 3) throw spec.Error($"too many fields in 'fashion-mnist:{spec.Argument}' (expected {usage})");
        if (ClassList.LooksLikeOne(parts[0]))
            throw spec.Error($"'{parts[0]}' is not a Fashion-MNIST split (train, test); a class subset is written fashion-mnist:SPLIT:classes={parts[0]}");
        var data = FashionMnist.Load(parts[0]);
        int? perClass = parts.Length > 1 ? Positive(spec, parts[1], "PER_CLASS", usage) : spec.PerClass;
        int seed = parts.Length == 3 ? Integer(spec, parts[2], "SEED", usage) : spec.Seed;
        if (perClass is null || spec.Classes is not null) return (new FashionMnistItems(data), 0); // a class subset draws after selecting classes
        return (new FashionMnistItems(data, StratifiedSubset.Select(data.Labels, FashionMnist.ClassNames.Count, perClass.Value, seed)), 0);
    }

    static (IItemSet, int) VocItems(DataSpecification spec)
    {
        const string usage = "voc2007:DEVKIT_DIR:SPLIT[:images|gt-boxes|proposals:STORE_DIR]";
        var parts = Required(spec, usage).Split(':', 4);
        if (parts.Length == 4 && parts[2] == "proposals") return (new Regions.VocRegions(new VocDevkit(parts[0]), parts[1], parts[3], spec.MaxProposals), RcnnContext);
        if (parts.Length is < 2 or > 3) throw LayerProbeException.ForParameter(spec.Parameter, $"'voc2007:{spec.Argument}' does not match {usage}");
        var devkit = new VocDevkit(parts[0]);
        return (parts.Length == 3 ? parts[2] : "images") switch
        {
            "images" => (new VocWholeImages(devkit, parts[1]), 0),
            "gt-boxes" => (new VocGtBoxes(devkit, parts[1]), RcnnContext),
            var other => throw LayerProbeException.ForParameter(spec.Parameter, $"unknown VOC item kind '{other}' (images, gt-boxes, proposals:STORE_DIR)"),
        };
    }

    static string Required(DataSpecification spec, string usage) =>
        spec.Argument.Length > 0 ? spec.Argument : throw LayerProbeException.ForParameter(spec.Parameter, $"missing argument (expected {usage})");

    static int Integer(DataSpecification spec, string text, string name, string usage) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) ? v
            : throw LayerProbeException.ForParameter(spec.Parameter, $"{name} '{text}' is not an integer (expected {usage})");

    static int Positive(DataSpecification spec, string text, string name, string usage) =>
        Integer(spec, text, name, usage) is var v and > 0 ? v
            : throw LayerProbeException.ForParameter(spec.Parameter, $"{name} must be positive, got {text} (expected {usage})");
}
