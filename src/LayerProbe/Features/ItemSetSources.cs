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
        var spec = DataSpecification.Parse(specification, option);
        if (RegionParts(spec) is not { } parts)
            throw LayerProbeException.For(option, $"'{specification}' are not region items (voc2007:DEVKIT_DIR:SPLIT:proposals:STORE_DIR[:max-proposals=N])");
        return new Regions.VocRegions(new VocDevkit(parts[0]), parts[1], parts[3], spec.MaxProposals);
    }

    /// <summary>Whether <paramref name="specification"/> names region items (it is not opened).</summary>
    public static bool IsRegionItems(string specification)
    {
        try { return RegionParts(DataSpecification.Parse(specification, "data")) is not null; }
        catch (LayerProbeException) { return false; } // a malformed trailing field: not region items; opening it says why
    }

    /// <summary>DEVKIT, SPLIT, "proposals", STORE of a region-items specification (trailing fields such as max-proposals= apart), or null.</summary>
    static string[]? RegionParts(DataSpecification spec)
    {
        var parts = spec.Source == "voc2007" ? spec.Argument.Split(':', 4) : [];
        return parts.Length == 4 && parts[2] == "proposals" && !spec.HasSubset ? parts : null;
    }
}
