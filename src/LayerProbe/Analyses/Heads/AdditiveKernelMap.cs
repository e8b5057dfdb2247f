namespace LayerProbe.Analyses.Heads;

/// <summary>Additive homogeneous kernels with a closed-form spectrum.</summary>
public enum AdditiveKernel
{
    /// <summary>χ²: k(x, y) = 2xy / (x + y); spectrum κ(ω) = sech(πω).</summary>
    ChiSquared,
    /// <summary>Histogram intersection: k(x, y) = min(x, y); spectrum κ(ω) = (2/π) / (1 + 4ω²).</summary>
    Intersection,
}

/// <summary>
/// Sampled explicit map of an additive homogeneous kernel k(x, y) = Σ_d k(x_d, y_d) (the construction of Vedaldi &amp;
/// Zisserman, "Efficient additive kernels via explicit feature maps", PAMI 2012). A 1-homogeneous kernel is
/// k(x, y) = √(xy)·K(log y − log x) with K the Fourier transform of the spectrum κ; sampling κ at ω = jL, j = 0..n, gives
/// per input value 2n + 1 features: √(xLκ(0)), √(2xLκ(jL))·cos(jL·log x), √(2xLκ(jL))·sin(jL·log x). Zero maps to zero;
/// negative inputs map to −φ(|x|) (the kernels are defined for x ≥ 0, as post-ReLU features are).
/// </summary>
public sealed class AdditiveKernelMap(AdditiveKernel kernel, int order = 3, double period = 0.5) : IFeatureMap
{
    readonly double[] _scale = Enumerable.Range(0, order + 1)
        .Select(j => Math.Sqrt((j == 0 ? 1 : 2) * period * Spectrum(kernel, j * period))).ToArray();

    /// <summary>Kernel approximated.</summary>
    public AdditiveKernel Kernel => kernel;
    /// <inheritdoc/>
    public string Name => kernel == AdditiveKernel.ChiSquared ? "chi2-map" : "intersection-map";
    /// <inheritdoc/>
    public IReadOnlyDictionary<string, object?> Settings => new Dictionary<string, object?>
    {
        ["map"] = Name, ["order"] = order, ["period"] = period,
    };
    /// <inheritdoc/>
    public int OutputDimensions(int inputDimensions) => inputDimensions * (2 * order + 1);

    /// <summary>κ(ω) of the kernel.</summary>
    public static double Spectrum(AdditiveKernel kernel, double omega) => kernel == AdditiveKernel.ChiSquared
        ? 1 / Math.Cosh(Math.PI * omega)
        : 2 / Math.PI / (1 + 4 * omega * omega);

    /// <summary>The exact kernel of one pair of values (x, y ≥ 0).</summary>
    public static double Exact(AdditiveKernel kernel, double x, double y) => kernel == AdditiveKernel.ChiSquared
        ? (x + y == 0 ? 0 : 2 * x * y / (x + y))
        : Math.Min(x, y);

    /// <inheritdoc/>
    public void Map(ReadOnlySpan<float> x, Span<float> z)
    {
        int w = 2 * order + 1;
        for (int d = 0; d < x.Length; d++)
        {
            var o = z.Slice(d * w, w);
            double v = x[d];
            if (v == 0) { o.Clear(); continue; }
            double sign = Math.Sign(v), a = Math.Abs(v), root = Math.Sqrt(a), log = Math.Log(a);
            o[0] = (float)(sign * root * _scale[0]);
            for (int j = 1; j <= order; j++)
            {
                var (sin, cos) = Math.SinCos(j * period * log);
                o[2 * j - 1] = (float)(sign * root * _scale[j] * cos);
                o[2 * j] = (float)(sign * root * _scale[j] * sin);
            }
        }
    }
}
