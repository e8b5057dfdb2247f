using System.Globalization;
using System.Runtime.InteropServices;
using Google.Protobuf;
using LayerProbe.Networks;
using LayerProbe.Regions;
using LayerProbe.Tests.Data;
using LayerProbe.Tests.Proposals;
using LayerProbe.Training;
using Microsoft.ML.OnnxRuntime;
using Onnx;

namespace LayerProbe.Tests.Regions;

/// <summary>
/// Truncated-SVD compression of a head's fully connected layers (Fast R-CNN §3.1), run by ONNX Runtime: at full rank
/// the factored head equals the exact one; at rank t each factored layer equals x·(U_t Σ_t V_tᵀ)ᵀ + b computed by
/// numpy's own <c>numpy.linalg.svd</c> from the stored initializer (Gemm with transB 1 and 0, alpha and beta, MatMul
/// + Add), the singular values equal numpy's, and the error against the exact layer falls as t grows.
/// </summary>
public class FcCompressionTests
{
    [Fact]
    public void Full_rank_factored_head_equals_the_exact_head_through_onnx_runtime()
    {
        using var tmp = new TempDir();
        var network = MiniCaffeNet.Load(tmp);
        string pool5 = network.ResolveLayer("pool5"), fc7 = network.ResolveLayer("fc7");
        var fc6Layer = ClassifierLayer.FullyConnected(network.Model, network.ResolveLayer("fc6"))!;
        var fc7Layer = ClassifierLayer.FullyConnected(network.Model, fc7)!;
        int full6 = Math.Min(fc6Layer.Classes, fc6Layer.Inputs), full7 = Math.Min(fc7Layer.Classes, fc7Layer.Inputs);
        var ranks = FcRanks.Resolve(network, FcRanks.Parse($"fc6={full6},fc7={full7}"));

        int[] shape = SharedConvNetwork.For(network, "relu5").PooledShape;
        var exact = HeadSubgraph.Cut(network, pool5, [fc7], [.. shape.Cast<object>()]);
        var factored = FcCompression.Apply(network, exact, ranks);
        Assert.Equal(4, factored.Graph.Node.Count(n => n.OpType == "Gemm"));
        Assert.DoesNotContain(factored.Graph.Initializer, i => i.Name == fc6Layer.Weight.Name || i.Name == fc7Layer.Weight.Name);
        Assert.Equal(2, exact.Graph.Node.Count(n => n.OpType == "Gemm")); // the cut itself is left as it was

        var random = new Random(11);
        int n = 9, cols = shape.Aggregate(1, (a, b) => a * b);
        var x = Enumerable.Range(0, n * cols).Select(_ => (float)(random.NextDouble() * 3)).ToArray(); // pool5 is post-ReLU
        long[] dims = [n, .. shape.Select(d => (long)d)];
        var a = Run(exact, pool5, x, dims, fc7);
        var b = Run(factored, pool5, x, dims, fc7);
        double scale = a.Max(v => Math.Abs(v)), worst = a.Zip(b, (p, q) => Math.Abs(p - q)).Max();
        Assert.True(scale > 0, "fc7 is all zeros: the comparison would prove nothing");
        Assert.True(worst <= 1e-4 * scale, $"largest difference {worst:E2} against |fc7| up to {scale:E2}");
    }

    [NumpyTheory]
    [InlineData("fc_a", 13)]
    [InlineData("fc_b", 13)]
    [InlineData("fc_c", 13)]
    [InlineData("fc_a", 9)]
    [InlineData("fc_b", 9)]
    public void Factored_layer_equals_numpys_truncated_svd_and_its_error_falls_with_the_rank(string layer, int opset)
    {
        using var tmp = new TempDir();
        var network = ThreeFcNetwork.Write(tmp, opset);
        string output = network.ResolveLayer(layer);
        var fc = ClassifierLayer.FullyConnected(network.Model, output)!;
        int full = Math.Min(fc.Classes, fc.Inputs);
        var node = fc.Node;
        var gemm = node.OpType == "Gemm";
        float alpha = gemm ? node.Attribute.FirstOrDefault(a => a.Name == "alpha")?.F ?? 1 : 1, beta = gemm ? node.Attribute.FirstOrDefault(a => a.Name == "beta")?.F ?? 1 : 1;
        var bias = OnnxTensors.ReadFloats(fc.Bias!);

        var random = new Random(5);
        int n = 7;
        var x = Enumerable.Range(0, n * fc.Inputs).Select(_ => (float)(random.NextDouble() * 2 - 0.5)).ToArray();
        int[] ranks = [1, 3, 6, full];
        Directory.CreateDirectory(tmp.Combine("np"));
        File.WriteAllBytes(tmp.Combine("np", "B.bin"), MemoryMarshal.AsBytes(OnnxTensors.ReadFloats(fc.Weight).AsSpan()).ToArray());
        File.WriteAllBytes(tmp.Combine("np", "x.bin"), MemoryMarshal.AsBytes(x.AsSpan()).ToArray());
        File.WriteAllBytes(tmp.Combine("np", "b.bin"), MemoryMarshal.AsBytes(bias.AsSpan()).ToArray());
        PythonReference.RunOrFail(Numpy, string.Join(" ", new object[] { tmp.Combine("np"), fc.Weight.Dims[0], fc.Weight.Dims[1], fc.Transposed ? 1 : 0, n,
            alpha.ToString("R", CultureInfo.InvariantCulture), beta.ToString("R", CultureInfo.InvariantCulture), string.Join(",", ranks) }));

        var singular = MemoryMarshal.Cast<byte, double>(File.ReadAllBytes(tmp.Combine("np", "S.bin"))).ToArray();
        // W and Wᵀ have the same singular values: factor the initializer as stored.
        var mine = TruncatedSvd.Of(OnnxTensors.ReadFloats(fc.Weight), (int)fc.Weight.Dims[0], (int)fc.Weight.Dims[1], 1).SingularValues;
        Assert.Equal(full, singular.Length);
        Assert.Equal(full, mine.Length);
        for (int i = 0; i < full; i++) Assert.True(Math.Abs(mine[i] - singular[i]) <= 1e-9 * singular[0], $"σ{i}: {mine[i]} vs numpy {singular[i]}");

        string input = fc.DataInput;
        var head = HeadSubgraph.Cut(network, input, [output], [fc.Inputs]);
        var exact = Run(head, input, x, [n, fc.Inputs], output);
        var errors = new List<double>();
        foreach (int t in ranks)
        {
            var factored = FcCompression.Apply(network, head, FcRanks.Resolve(network, FcRanks.Parse($"{layer}={t}")));
            Assert.Equal(head.Graph.Node.Count + 1, factored.Graph.Node.Count);
            var y = Run(factored, input, x, [n, fc.Inputs], output);
            var reference = MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(tmp.Combine("np", $"y{t}.bin"))).ToArray();
            Assert.Equal(reference.Length, y.Length);
            double scale = reference.Max(v => Math.Abs(v)), worst = reference.Zip(y, (p, q) => Math.Abs(p - q)).Max();
            Assert.True(worst <= 1e-4 * scale, $"rank {t}: largest difference {worst:E2} from numpy's x·(U_t Σ_t V_tᵀ)ᵀ + b (|y| up to {scale:E2})");
            errors.Add(Math.Sqrt(exact.Zip(y, (p, q) => (double)(p - q) * (p - q)).Sum() / exact.Sum(v => (double)v * v)));
        }
        for (int i = 1; i < errors.Count; i++)
            Assert.True(errors[i] < errors[i - 1], $"relative error at ranks {string.Join(", ", ranks)}: {string.Join(", ", errors.Select(e => e.ToString("E2")))}");
        Assert.True(errors[0] > 0.05, $"rank 1 changes the layer by only {errors[0]:E2}: the weights are nearly rank 1, the test would prove little");
        Assert.True(errors[^1] <= 1e-5, $"full rank differs from the exact layer by {errors[^1]:E2}");
    }

    [Fact]
    public void Factors_are_computed_once_per_weight_and_rank_and_a_damaged_file_is_computed_again()
    {
        using var tmp = new TempDir();
        var random = new Random(2);
        var weight = Enumerable.Range(0, 30 * 20).Select(_ => (float)random.NextDouble()).ToArray();
        string folder = tmp.Combine("fc-svd");
        var computed = TruncatedSvd.Of(weight, 30, 20, 5);
        var first = FcFactorCache.Get(folder, weight, 30, 20, 5);
        string file = Assert.Single(Directory.GetFiles(folder));
        Assert.Equal(computed.First, first.First);
        Assert.Equal(computed.Second, first.Second);

        long length = new FileInfo(file).Length;
        Assert.True(length > 20 * 8 + (5 * 20 + 30 * 5) * 4, $"{length} bytes cannot hold the singular values and both factors");
        File.WriteAllBytes(file, [.. File.ReadAllBytes(file).Take(100)]); // a later read must not trust this
        var again = FcFactorCache.Get(folder, weight, 30, 20, 5);
        Assert.Equal(computed.First, again.First);
        Assert.Equal(computed.SingularValues, again.SingularValues);
        Assert.Equal(length, new FileInfo(file).Length); // the damaged file was written again whole
        var old = new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(file, old);
        Assert.Equal(computed.Second, FcFactorCache.Get(folder, weight, 30, 20, 5).Second);
        Assert.Equal(old, File.GetLastWriteTimeUtc(file)); // read, not computed and written again

        FcFactorCache.Get(folder, weight, 30, 20, 4);
        weight[7] += 1;
        FcFactorCache.Get(folder, weight, 30, 20, 5);
        Assert.Equal(3, Directory.GetFiles(folder).Length); // another rank, another weight: other files
    }

    /// <summary>numpy's truncated SVD from the stored initializer: W = B (transB = 1) or Bᵀ, y_t = alpha·x·(U_t Σ_t V_tᵀ)ᵀ + beta·b.</summary>
    const string Numpy = """
        import sys, numpy as np
        d, r, c, transposed, n, alpha, beta, ranks = sys.stdin.read().split()
        B = np.fromfile(d + '/B.bin', dtype=np.float32).reshape(int(r), int(c)).astype(np.float64)
        W = B if transposed == '1' else B.T
        x = np.fromfile(d + '/x.bin', dtype=np.float32).reshape(int(n), W.shape[1]).astype(np.float64)
        b = np.fromfile(d + '/b.bin', dtype=np.float32).astype(np.float64)
        U, S, Vt = np.linalg.svd(W, full_matrices=False)
        S.astype(np.float64).tofile(d + '/S.bin')
        for t in map(int, ranks.split(',')):
            Wt = (U[:, :t] * S[:t]) @ Vt[:t]
            (float(alpha) * x @ Wt.T + float(beta) * b).astype(np.float32).tofile(d + '/y%d.bin' % t)
        """;

    internal static float[] Run(ModelProto model, string input, float[] x, long[] dims, string output)
    {
        using var session = new InferenceSession(model.ToByteArray());
        using var value = OrtValue.CreateTensorValueFromMemory(x, dims);
        using var run = new RunOptions();
        using var results = session.Run(run, [input], [value], [output]);
        return results[0].GetTensorDataAsSpan<float>().ToArray();
    }
}

/// <summary>
/// An image (3×4×4) → Flatten → fc_a (Gemm, transB 1, W 20×48) → ReLU → fc_b (Gemm, transB 0, B 20×16, alpha 0.5,
/// beta 2) → ReLU → fc_c (MatMul 16×12, then Add of the bias): the three ways an ONNX graph writes a fully connected layer.
/// </summary>
static class ThreeFcNetwork
{
    public static OnnxNetwork Write(TempDir tmp, int opset = 13)
    {
        var random = new Random(23);
        float[] Gauss(int count) => [.. Enumerable.Range(0, count).Select(_ => (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble())))];
        var g = new OnnxGraphBuilder("three-fc").Input("image", "N", 3, 4, 4);
        string x = g.Node("Flatten", "flatten", ["image"], "flat", OnnxGraphBuilder.Int("axis", 1));
        x = g.Node("Gemm", "fc_a", [x, g.Initializer("wa", [20, 48], Gauss(20 * 48)), g.Initializer("ba", [20], Gauss(20))], "fc_a", OnnxGraphBuilder.Int("transB", 1));
        x = g.Node("Relu", "relu_a", [x], "relu_a");
        x = g.Node("Gemm", "fc_b", [x, g.Initializer("wb", [20, 16], Gauss(20 * 16)), g.Initializer("bb", [16], Gauss(16))], "fc_b",
            OnnxGraphBuilder.Float("alpha", 0.5f), OnnxGraphBuilder.Float("beta", 2f));
        x = g.Node("Relu", "relu_b", [x], "relu_b");
        x = g.Node("MatMul", "fc_c_matmul", [x, g.Initializer("wc", [16, 12], Gauss(16 * 12))], "fc_c_product");
        x = g.Node("Add", "fc_c", [x, g.Initializer("bc", [12], Gauss(12))], "fc_c");
        g.Output(x, "N", 12);
        string path = tmp.Combine($"three-fc-{opset}.onnx");
        File.WriteAllBytes(path, g.ToModel(opset).ToByteArray());
        return OnnxNetwork.Load(path);
    }
}
