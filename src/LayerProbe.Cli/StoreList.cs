using LayerProbe.Analyses;

namespace LayerProbe.Cli;

/// <summary>Opens a comma-separated list of feature stores (<c>DIR</c> or <c>NAME=DIR</c>); on error, closes those opened.</summary>
static class StoreList
{
    public static IReadOnlyList<StoredLayer> Open(string list)
    {
        var opened = new List<StoredLayer>();
        try
        {
            foreach (var spec in list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                opened.Add(StoredLayer.Open(spec));
        }
        catch
        {
            foreach (var s in opened) s.Dispose();
            throw;
        }
        if (opened.Count == 0) throw new LayerProbeException("no feature stores given");
        return opened;
    }
}
