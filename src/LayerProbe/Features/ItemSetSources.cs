using LayerProbe.Data;
using LayerProbe.Networks;

namespace LayerProbe.Features;

/// <summary>
/// The item-set view of the one data registry, <see cref="DataSources.Default"/> (kept for callers that resolve a data
/// specification to items and a preprocessor; the grammar and the sources live in <see cref="DataSources"/>).
/// </summary>
public static class ItemSetSources
{
    /// <summary>Known item sources.</summary>
    public static IEnumerable<string> Names => DataSources.Default.Schemes;

    /// <summary>Resolves a data specification (<see cref="DataSpecification"/>); errors name <paramref name="parameter"/>.</summary>
    public static (IItemSet Items, IPreprocessor Preprocessor) Create(string specification, OnnxNetwork network,
        PreprocessingRequest? preprocessing = null, string parameter = "data") =>
        DataSources.Default.Items(specification, network, preprocessing, parameter);

    /// <summary>
    /// The region items of <c>voc2007:DEVKIT_DIR:SPLIT:proposals:STORE_DIR</c> without a network (for readers of stores
    /// already extracted, e.g. detection with saved detectors); <paramref name="option"/> names the option in errors.
    /// </summary>
    public static Regions.VocRegions RegionItems(string specification, string option)
    {
        if (RegionParts(specification) is not { } parts)
            throw LayerProbeException.For(option, $"'{specification}' are not region items (voc2007:DEVKIT_DIR:SPLIT:proposals:STORE_DIR)");
        return new Regions.VocRegions(new VocDevkit(parts[0]), parts[1], parts[3]);
    }

    /// <summary>Whether <paramref name="specification"/> names region items (it is not opened).</summary>
    public static bool IsRegionItems(string specification) => RegionParts(specification) is not null;

    static string[]? RegionParts(string specification)
    {
        const string prefix = "voc2007:";
        var parts = specification.StartsWith(prefix, StringComparison.Ordinal) ? specification[prefix.Length..].Split(':', 4) : [];
        return parts.Length == 4 && parts[2] == "proposals" ? parts : null;
    }
}
