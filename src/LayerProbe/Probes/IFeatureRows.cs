namespace LayerProbe.Probes;

/// <summary>
/// Read-only access to a dense float feature matrix, one row per item. Solvers read rows one at a time (or in small
/// blocks) and never copy the matrix, so an implementation may stream rows from a memory-mapped feature store.
/// A returned span must stay valid for at least the next <see cref="LiveRows"/> − 1 calls to <see cref="Row"/> on the
/// same thread (solvers hold a small block of rows at once).
/// </summary>
public interface IFeatureRows
{
    /// <summary>How many most recently returned rows a caller may hold at once per thread.</summary>
    const int LiveRows = 8;

    /// <summary>Number of items (rows).</summary>
    int Count { get; }
    /// <summary>Feature dimensions (columns).</summary>
    int Dimensions { get; }
    /// <summary>Row <paramref name="i"/> (0-based); thread-safe for concurrent readers.</summary>
    ReadOnlySpan<float> Row(int i);
}

/// <summary>Feature rows held in one row-major float array (no copy is made).</summary>
public sealed class DenseFeatureRows : IFeatureRows
{
    readonly float[] _data;

    /// <summary>Wraps <paramref name="data"/> (length count × dimensions, row-major).</summary>
    public DenseFeatureRows(float[] data, int count, int dimensions)
    {
        if ((long)count * dimensions != data.LongLength)
            throw new ArgumentException($"data has {data.LongLength} values, expected {count} × {dimensions}");
        (_data, Count, Dimensions) = (data, count, dimensions);
    }

    /// <inheritdoc/>
    public int Count { get; }
    /// <inheritdoc/>
    public int Dimensions { get; }
    /// <inheritdoc/>
    public ReadOnlySpan<float> Row(int i) => _data.AsSpan(i * Dimensions, Dimensions);
}

/// <summary>A subset of another row source, by index (e.g. a train or validation split); rows are not copied.</summary>
public sealed class FeatureRowSubset(IFeatureRows source, int[] indices) : IFeatureRows
{
    /// <inheritdoc/>
    public int Count => indices.Length;
    /// <inheritdoc/>
    public int Dimensions => source.Dimensions;
    /// <inheritdoc/>
    public ReadOnlySpan<float> Row(int i) => source.Row(indices[i]);
}
