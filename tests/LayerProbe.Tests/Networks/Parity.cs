using LayerProbe.Networks;
using LayerProbe.Networks.Torch;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace LayerProbe.Tests.Networks;

/// <summary>
/// Runs the same input through ONNX Runtime (the reference engine) and <see cref="TorchNetwork"/> and reports, per
/// value, the relative error max|a − b| / max(max|b|, 1e-30), b = ONNX Runtime.
/// </summary>
static class Parity
{
    public const double Tolerance = 1e-4;

    /// <summary>Seeded Gaussian input with the given standard deviation (raw-pixel, mean-subtracted scale).</summary>
    public static float[] Input(int count, int seed, double std = 50)
    {
        var random = new Random(seed);
        var x = new float[count];
        for (int i = 0; i < count; i++)
            x[i] = (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()) * std);
        return x;
    }

    /// <summary>Every value's outputs from ONNX Runtime for model bytes.</summary>
    public static Dictionary<string, float[]> RunOnnxRuntime(OnnxNetwork network, byte[] modelBytes, string[] values, float[] input, int[] shape)
    {
        using var session = OnnxSession.Create(network, modelBytes);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(network.InputName, new DenseTensor<float>(input, shape))]);
        return results.ToDictionary(r => r.Name, r => r.AsEnumerable<float>().ToArray());
    }

    /// <summary>Every value's outputs from TorchSharp in evaluation mode.</summary>
    public static Dictionary<string, float[]> RunTorch(TorchNetwork net, string[] values, float[] input, int[] shape)
    {
        net.eval();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var outputs = net.Forward(tensor(input, shape.Select(d => (long)d).ToArray()), values);
        return outputs.ToDictionary(p => p.Key, p => p.Value.contiguous().data<float>().ToArray());
    }

    public static double RelativeError(float[] torchValues, float[] reference)
    {
        Assert.Equal(reference.Length, torchValues.Length);
        double maxDiff = 0, maxRef = 0;
        for (int i = 0; i < reference.Length; i++)
        {
            maxDiff = Math.Max(maxDiff, Math.Abs((double)torchValues[i] - reference[i]));
            maxRef = Math.Max(maxRef, Math.Abs((double)reference[i]));
        }
        return maxDiff / Math.Max(maxRef, 1e-30);
    }

    /// <summary>Compares every (alias, value) layer, prints a table, asserts the tolerance; returns the errors.</summary>
    public static Dictionary<string, double> Check(ITestOutputHelper log, string title, OnnxNetwork network, TorchNetwork net,
        IReadOnlyList<(string Alias, string Value)> layers, float[] input, int[] shape, byte[]? referenceBytes = null)
    {
        string[] values = layers.Select(l => l.Value).ToArray();
        var reference = RunOnnxRuntime(network, referenceBytes ?? network.WithOutputs(values), values, input, shape);
        var ours = RunTorch(net, values, input, shape);
        var errors = new Dictionary<string, double>();
        log.WriteLine($"{title}: max relative error per layer (TorchSharp vs ONNX Runtime), input [{string.Join("x", shape)}]");
        foreach (var (alias, value) in layers)
        {
            errors[alias] = RelativeError(ours[value], reference[value]);
            log.WriteLine($"  {alias,-10} {value,-24} {errors[alias]:E2}  (max|ref| {reference[value].Max(Math.Abs):G4})");
        }
        log.WriteLine($"  worst {errors.Values.Max():E2}");
        foreach (var (alias, error) in errors)
            Assert.True(error <= Tolerance, $"{title} {alias}: relative error {error:E2} > {Tolerance:E0}");
        return errors;
    }
}
