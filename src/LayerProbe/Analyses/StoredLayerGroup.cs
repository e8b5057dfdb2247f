using System.Collections;

namespace LayerProbe.Analyses;

/// <summary>
/// Several feature stores opened together for one analysis (e.g. every layer for CKA or label entropy); disposing the
/// group unmaps them all. If one fails to open, those already opened are closed before the error propagates.
/// </summary>
public sealed class StoredLayerGroup : IReadOnlyList<StoredLayer>, IDisposable
{
    readonly List<StoredLayer> _layers;

    StoredLayerGroup(List<StoredLayer> layers) => _layers = layers;

    /// <summary>Opens each <c>DIR</c> or <c>NAME=DIR</c> (see <see cref="StoredLayer.Open"/>), in order.</summary>
    public static StoredLayerGroup Open(IEnumerable<string> specifications)
    {
        var opened = new List<StoredLayer>();
        try
        {
            foreach (var spec in specifications)
            {
                var layer = StoredLayer.Open(spec);
                opened.Add(layer);
                if (opened.Count(o => o.Name == layer.Name) > 1)
                    throw LayerProbeException.For(layer.Directory, $"layer name '{layer.Name}' is given twice; name each store once (NAME=DIR)");
            }
        }
        catch
        {
            foreach (var s in opened) s.Dispose();
            throw;
        }
        return new StoredLayerGroup(opened);
    }

    /// <summary>Input identities for manifests, by display name.</summary>
    public Dictionary<string, string> Identities() => _layers.ToDictionary(s => s.Name, s => s.Identity);

    /// <inheritdoc/>
    public StoredLayer this[int index] => _layers[index];
    /// <inheritdoc/>
    public int Count => _layers.Count;
    /// <inheritdoc/>
    public IEnumerator<StoredLayer> GetEnumerator() => _layers.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var s in _layers) s.Dispose();
    }
}
