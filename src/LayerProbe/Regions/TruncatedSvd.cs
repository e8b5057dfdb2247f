using static TorchSharp.torch;

namespace LayerProbe.Regions;

/// <summary>
/// The rank-t truncated SVD of a fully connected layer's weight (Fast R-CNN §3.1): W (outputs × inputs) ≈ U_t Σ_t V_tᵀ,
/// so y = Wx + b becomes two layers, first Σ_t V_tᵀ (t × inputs, no bias), then U_t (outputs × t) with the original
/// bias — t·(outputs + inputs) multiplications instead of outputs·inputs. The SVD is libtorch's
/// (<c>torch.linalg.svd</c>) in double precision; the factors are rounded to float once, at the end.
/// </summary>
/// <param name="First">Σ_t V_tᵀ, row-major t × inputs.</param>
/// <param name="Second">U_t, row-major outputs × t.</param>
/// <param name="SingularValues">All min(outputs, inputs) singular values of W, largest first.</param>
/// <param name="Rank">t.</param>
/// <param name="Outputs">Rows of W.</param>
/// <param name="Inputs">Columns of W.</param>
public sealed record TruncatedSvd(float[] First, float[] Second, double[] SingularValues, int Rank, int Outputs, int Inputs)
{
    /// <summary>Factors <paramref name="weight"/> (row-major <paramref name="outputs"/> × <paramref name="inputs"/>) at rank <paramref name="rank"/>.</summary>
    public static TruncatedSvd Of(float[] weight, int outputs, int inputs, int rank)
    {
        if (weight.Length != (long)outputs * inputs) throw new ArgumentException($"weight has {weight.Length} values, not {outputs}×{inputs}", nameof(weight));
        if (rank < 1 || rank > Math.Min(outputs, inputs)) throw new ArgumentOutOfRangeException(nameof(rank), rank, $"rank must be 1..min({outputs}, {inputs})");
        using var scope = NewDisposeScope();
        var w = tensor(weight, [outputs, inputs]).to_type(ScalarType.Float64);
        var (u, s, vh) = linalg.svd(w, fullMatrices: false);
        var first = (s.narrow(0, 0, rank).unsqueeze(1) * vh.narrow(0, 0, rank)).to_type(ScalarType.Float32).contiguous();
        var second = u.narrow(1, 0, rank).to_type(ScalarType.Float32).contiguous();
        return new TruncatedSvd(first.data<float>().ToArray(), second.data<float>().ToArray(), s.data<double>().ToArray(), rank, outputs, inputs);
    }
}
