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
}
