using LayerProbe.Probes;

namespace LayerProbe.Analyses.Heads;

/// <summary>Rows seen through an <see cref="IFeatureMap"/>, mapped on demand into a per-thread ring of
/// <see cref="IFeatureRows.LiveRows"/> buffers; <see cref="Materialize"/> maps every row once.</summary>
public sealed class MappedFeatureRows : IFeatureRows
{
    readonly IFeatureRows _source;
    readonly IFeatureMap _map;
    readonly ThreadLocal<(float[][] Buffers, int[] Next)> _ring;

    /// <summary>Wraps <paramref name="source"/>.</summary>
    public MappedFeatureRows(IFeatureRows source, IFeatureMap map)
    {
        (_source, _map) = (source, map);
        Dimensions = map.OutputDimensions(source.Dimensions);
        _ring = new(() => (Enumerable.Range(0, IFeatureRows.LiveRows).Select(_ => new float[Dimensions]).ToArray(), [0]));
    }

    /// <inheritdoc/>
    public int Count => _source.Count;
    /// <inheritdoc/>
    public int Dimensions { get; }

    /// <inheritdoc/>
    public ReadOnlySpan<float> Row(int i)
    {
        var (buffers, next) = _ring.Value;
        var buffer = buffers[next[0]];
        next[0] = (next[0] + 1) % buffers.Length;
        _map.Map(_source.Row(i), buffer);
        return buffer;
    }

    /// <summary>All rows mapped once (in parallel) into a dense matrix.</summary>
    public DenseFeatureRows Materialize()
    {
        var data = new float[(long)Count * Dimensions];
        Parallel.For(0, Count, i => Row(i).CopyTo(data.AsSpan(i * Dimensions, Dimensions)));
        return new DenseFeatureRows(data, Count, Dimensions);
    }
}
