namespace LayerProbe.Analyses.Heads;

/// <summary>
/// Random Fourier features (Rahimi &amp; Recht, NIPS 2007) for the RBF kernel k(x, y) = exp(−γ‖x − y‖²):
/// z(x) = √(2/D)·cos(Wx + b), W entries ~ N(0, 2γ), b ~ U(0, 2π), drawn once from <see cref="Seed"/>.
/// </summary>
public sealed class RandomFourierFeatures : IFeatureMap
{
    readonly float[] _w; // D × d, row-major
    readonly float[] _b;
    readonly int _inputs;

    /// <summary>Draws D = <paramref name="features"/> frequencies for <paramref name="inputDimensions"/>-d inputs.</summary>
    public RandomFourierFeatures(int inputDimensions, int features, double gamma, int seed = 1)
    {
        (Features, Gamma, Seed, _inputs) = (features, gamma, seed, inputDimensions);
        var rng = new Random(seed);
        double sd = Math.Sqrt(2 * gamma);
        _w = new float[(long)features * inputDimensions];
        for (long i = 0; i < _w.LongLength; i++)
            _w[i] = (float)(sd * Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()));
        _b = Enumerable.Range(0, features).Select(_ => (float)(2 * Math.PI * rng.NextDouble())).ToArray();
    }

    /// <summary>D.</summary>
    public int Features { get; }
    /// <summary>RBF γ.</summary>
    public double Gamma { get; }
    /// <summary>Seed of W and b.</summary>
    public int Seed { get; }
    /// <inheritdoc/>
    public string Name => "rbf-rff";
    /// <inheritdoc/>
    public IReadOnlyDictionary<string, object?> Settings => new Dictionary<string, object?>
    {
        ["map"] = Name, ["features"] = Features, ["gamma"] = Gamma, ["seed"] = Seed,
    };
    /// <inheritdoc/>
    public int OutputDimensions(int inputDimensions) =>
        inputDimensions == _inputs ? Features : throw new ArgumentException($"map drawn for {_inputs}-d inputs, got {inputDimensions}");

    /// <inheritdoc/>
    public void Map(ReadOnlySpan<float> x, Span<float> z)
    {
        float norm = (float)Math.Sqrt(2.0 / Features);
        for (int f = 0; f < Features; f++)
            z[f] = norm * MathF.Cos(System.Numerics.Tensors.TensorPrimitives.Dot(x, _w.AsSpan(f * _inputs, _inputs)) + _b[f]);
    }
}
