using LayerProbe.Analyses;

namespace LayerProbe.Cli;

/// <summary>Opens a comma-separated list of feature stores (<c>DIR</c> or <c>NAME=DIR</c>); on error, closes those opened.</summary>
static class StoreList
{
    public static IReadOnlyList<StoredLayer> Open(string list)
    {
        var opened = StoredLayerGroup.Open(list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        if (opened.Count == 0) throw new LayerProbeException("no feature stores given");
        return opened;
    }
}
