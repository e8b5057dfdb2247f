using LayerProbe.Probes;

namespace LayerProbe.Features.Transforms;

/// <summary>
/// Stored C×H×W rows seen through a transform, row by row: no re-extraction and no copy of the matrix. Each
/// <see cref="Row"/> transforms one source row into the next buffer of a per-thread ring of
/// <see cref="IFeatureRows.LiveRows"/> buffers (the interface's contract); identity transforms pass rows through.
/// </summary>
public sealed class TransformedFeatureRows : IFeatureRows
{
    readonly IFeatureRows _source;
    readonly ThreadLocal<Ring> _ring;

    sealed class Ring(int dimensions)
    {
        public readonly float[][] Buffers = Enumerable.Range(0, IFeatureRows.LiveRows).Select(_ => new float[dimensions]).ToArray();
        public int Next;
    }

    /// <summary>Wraps <paramref name="source"/> (rows of shape <paramref name="shape"/>) in <paramref name="transform"/>.</summary>
    public TransformedFeatureRows(IFeatureRows source, FeatureShape shape, IFeatureTransform transform, string layer)
    {
        shape.CheckMatches(source.Dimensions, layer);
        (_source, Shape, Transform, Layer) = (source, shape, transform, layer);
        Dimensions = transform.OutputDimensions(shape);
        _ring = new ThreadLocal<Ring>(() => new Ring(Dimensions));
    }

    /// <summary>Shape of the source rows.</summary>
    public FeatureShape Shape { get; }
    /// <summary>The transform applied.</summary>
    public IFeatureTransform Transform { get; }
    /// <summary>Layer name (for messages and manifests).</summary>
    public string Layer { get; }
    /// <inheritdoc/>
    public int Count => _source.Count;
    /// <inheritdoc/>
    public int Dimensions { get; }

    /// <inheritdoc/>
    public ReadOnlySpan<float> Row(int i)
    {
        var src = _source.Row(i);
        if (Transform.IsIdentity) return src;
        var ring = _ring.Value!;
        var buffer = ring.Buffers[ring.Next];
        ring.Next = (ring.Next + 1) % ring.Buffers.Length;
        Transform.Apply(i, src, Shape, buffer);
        return buffer;
    }

    /// <summary>
    /// Transforms every row once into one dense matrix — worthwhile when the output is small (sp-max: C values per
    /// item) or when a solver makes many passes over an expensive transform. Rows are transformed in parallel.
    /// </summary>
    public DenseFeatureRows Materialize()
    {
        var data = new float[(long)Count * Dimensions];
        Parallel.For(0, Count, i => Row(i).CopyTo(data.AsSpan(i * Dimensions, Dimensions)));
        return new DenseFeatureRows(data, Count, Dimensions);
    }
}
