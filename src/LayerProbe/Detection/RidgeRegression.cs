using static TorchSharp.torch;

namespace LayerProbe.Detection;

/// <summary>
/// Ridge regression by its normal equations, accumulated from streamed rows: β = argmin ‖Xβ − Y‖² + λ‖β‖² over the
/// bias-augmented rows x̃ = [x, 1], solved as (X̃ᵀX̃ + λI)β = X̃ᵀY by a Cholesky factorisation — R-CNN's
/// <c>ridge_reg_chol</c>, whose λI covers the bias coefficient too (the bias <b>is</b> regularised). Memory is the
/// (d+1)×(d+1) matrix X̃ᵀX̃ and X̃ᵀY, in double, never the rows: callers add rows a block at a time. libtorch
/// (MKL) does the products and the factorisation.
/// </summary>
public sealed class RidgeRegression : IDisposable
{
    readonly Tensor _gram, _xty;
    long _rows;
    bool _solved;

    /// <summary>Empty normal equations for <paramref name="dimensions"/> features (plus the bias) and <paramref name="outputs"/> targets.</summary>
    public RidgeRegression(int dimensions, int outputs)
    {
        (Dimensions, Outputs) = (dimensions, outputs);
        _gram = zeros([dimensions + 1, dimensions + 1], ScalarType.Float64);
        _xty = zeros([dimensions + 1, outputs], ScalarType.Float64);
    }

    /// <summary>Feature dimensions (without the bias).</summary>
    public int Dimensions { get; }
    /// <summary>Targets per row.</summary>
    public int Outputs { get; }
    /// <summary>Rows added so far.</summary>
    public long Rows => _rows;

    /// <summary>
    /// Adds <paramref name="n"/> rows: <paramref name="augmented"/> holds them row-major with d + 1 values each, the last
    /// being the bias feature 1; <paramref name="targets"/> n × <see cref="Outputs"/> values.
    /// </summary>
    public void Add(double[] augmented, double[] targets, int n)
    {
        int d1 = Dimensions + 1;
        if (_solved) throw new InvalidOperationException("rows added after the solve");
        if (augmented.Length < n * d1 || targets.Length < n * Outputs) throw new ArgumentException("block shorter than its row count");
        using var scope = NewDisposeScope();
        var x = from_array(augmented).narrow(0, 0, (long)n * d1).view(n, d1);
        var y = from_array(targets).narrow(0, 0, (long)n * Outputs).view(n, Outputs);
        _gram.addmm_(x.t(), x);
        _xty.addmm_(x.t(), y);
        _rows += n;
    }

    /// <summary>
    /// β for penalty <paramref name="lambda"/>: (d+1) × <see cref="Outputs"/> values row-major, the last row the bias.
    /// Adds λI to the accumulated X̃ᵀX̃ in place (no second (d+1)² copy beside the factor), so it is called once.
    /// </summary>
    public double[] Solve(double lambda)
    {
        if (_solved) throw new InvalidOperationException("the normal equations were already solved");
        _solved = true;
        using var scope = NewDisposeScope();
        _gram.diagonal().add_(lambda);
        var (factor, info) = linalg.cholesky_ex(_gram);
        if (info.item<int>() != 0)
            throw new LayerProbeException($"box regression: the normal equations are not positive definite (Cholesky failed at column {info.item<int>()}); are the features finite?");
        return _xty.cholesky_solve(factor).contiguous().data<double>().ToArray();
    }

    /// <summary>Frees the matrices.</summary>
    public void Dispose()
    {
        _gram.Dispose();
        _xty.Dispose();
    }
}
