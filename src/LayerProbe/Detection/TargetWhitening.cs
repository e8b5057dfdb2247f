using static TorchSharp.torch;

namespace LayerProbe.Detection;

/// <summary>
/// The centring and whitening R-CNN's code applies to a class's regression targets before the ridge solve
/// (<c>rcnn_train_bbox_regressor.m</c>): μ = mean target, S = YcᵀYc / n of the centred targets, S = V·D·Vᵀ,
/// T = V·diag(1/√(D + ε))·Vᵀ (ε = <see cref="BoxRegressionSettings.WhiteningRidge"/>); the regression is fitted to
/// (y − μ)·T, and a prediction p is mapped back as p·T⁻¹ + μ with T⁻¹ = V·diag(√(D + ε))·Vᵀ.
/// </summary>
/// <param name="Mean">μ (k values).</param>
/// <param name="Transform">T (k×k, row-major, symmetric).</param>
/// <param name="Inverse">T⁻¹ (k×k, row-major, symmetric).</param>
public sealed record TargetWhitening(double[] Mean, double[] Transform, double[] Inverse)
{
    /// <summary>Number of targets.</summary>
    public int K => Mean.Length;

    /// <summary>Fits the whitening to <paramref name="targets"/> (n rows of <paramref name="k"/> values, row-major; n ≥ 1).</summary>
    public static TargetWhitening Fit(ReadOnlySpan<double> targets, int k, double ridge)
    {
        int n = targets.Length / k;
        if (n < 1 || n * k != targets.Length) throw new ArgumentException($"{targets.Length} values are not rows of {k} targets");
        var mean = new double[k];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < k; j++) mean[j] += targets[i * k + j];
        for (int j = 0; j < k; j++) mean[j] /= n;
        var cov = new double[k * k];
        for (int i = 0; i < n; i++)
            for (int a = 0; a < k; a++)
            {
                double ya = targets[i * k + a] - mean[a];
                for (int b = 0; b < k; b++) cov[a * k + b] += ya * (targets[i * k + b] - mean[b]);
            }
        for (int j = 0; j < cov.Length; j++) cov[j] /= n;
        using var scope = NewDisposeScope();
        var (values, vectors) = linalg.eigh(tensor(cov, [k, k], ScalarType.Float64));
        var d = values.clamp_min(0).add(ridge).sqrt(); // S is positive semi-definite; round-off may make an eigenvalue −1e-18
        var transform = vectors.mm(diag(d.reciprocal())).mm(vectors.t());
        var inverse = vectors.mm(diag(d)).mm(vectors.t());
        return new TargetWhitening(mean, transform.contiguous().data<double>().ToArray(), inverse.contiguous().data<double>().ToArray());
    }

    /// <summary>(y − μ)·T for one row of targets, into <paramref name="whitened"/>.</summary>
    public void Whiten(ReadOnlySpan<double> y, Span<double> whitened)
    {
        for (int b = 0; b < K; b++)
        {
            double s = 0;
            for (int a = 0; a < K; a++) s += (y[a] - Mean[a]) * Transform[a * K + b];
            whitened[b] = s;
        }
    }

    /// <summary>p·T⁻¹ + μ for one predicted row, into <paramref name="targets"/>.</summary>
    public void Restore(ReadOnlySpan<double> p, Span<double> targets)
    {
        for (int b = 0; b < K; b++)
        {
            double s = Mean[b];
            for (int a = 0; a < K; a++) s += p[a] * Inverse[a * K + b];
            targets[b] = s;
        }
    }
}
