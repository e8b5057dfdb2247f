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

    /// <summary>γ = 1 / median ‖x_i − x_j‖² over <paramref name="pairs"/> seeded random pairs of rows (the median
    /// heuristic), so the kernel is neither flat nor a delta on these features.</summary>
    public static double MedianHeuristicGamma(Probes.IFeatureRows rows, int pairs = 1000, int seed = 1)
    {
        if (rows.Count < 2) throw new ArgumentException("need at least two rows");
        var rng = new Random(seed);
        var d2 = new double[pairs];
        var diff = new float[rows.Dimensions];
        for (int p = 0; p < pairs; p++)
        {
            int i = rng.Next(rows.Count), j = rng.Next(rows.Count - 1);
            if (j >= i) j++;
            System.Numerics.Tensors.TensorPrimitives.Subtract(rows.Row(i), rows.Row(j), diff);
            d2[p] = System.Numerics.Tensors.TensorPrimitives.Dot(diff, diff);
        }
        Array.Sort(d2);
        double median = d2[pairs / 2];
        return median > 0 ? 1 / median : 1;
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
