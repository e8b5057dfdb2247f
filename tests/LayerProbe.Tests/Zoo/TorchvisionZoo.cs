using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;

namespace LayerProbe.Tests.Zoo;

/// <summary>
/// Small-input, random-weight torchvision classification networks exported to ONNX by Debian's python3-torchvision
/// (<c>export_zoo.py</c> beside this file), each with a reference batch and torchvision's own eval-mode output for it.
/// Exports are cached per (family, opset, size, script version) under the temp folder and made once per process.
/// </summary>
static class TorchvisionZoo
{
    public const string Python = "/usr/bin/python3";

    /// <summary>The families of the "any CNN" issue, each at the smallest input its graph exports at.</summary>
    public static readonly IReadOnlyDictionary<string, int> Families = new Dictionary<string, int>
    {
        ["alexnet"] = 128, ["vgg11_bn"] = 64, ["squeezenet1_1"] = 64, ["googlenet"] = 64, ["inception_v3"] = 96,
        ["mobilenet_v2"] = 64, ["mobilenet_v3_small"] = 64, ["resnet50"] = 64, ["densenet121"] = 64,
        ["shufflenet_v2_x0_5"] = 64, ["mnasnet0_5"] = 64, ["efficientnet_b0"] = 64, ["regnet_y_400mf"] = 64,
        ["convnext_tiny"] = 64,
    };

    /// <summary>Why the zoo cannot be built here, or null when python3-torchvision and python3-onnx are present (never a reason on CI: see ExternalReferences).</summary>
    public static string? Unavailable { get; } = References.ExternalReference.SkipReason(
        [.. new[] { Python, "torch", "torchvision", "onnx" }.Select(References.ExternalReferences.Get)]);

    static readonly ConcurrentDictionary<string, Lazy<ZooModel>> Cache = new();

    static string ScriptPath => Path.Combine(AppContext.BaseDirectory, "Zoo", "export_zoo.py");

    /// <summary>The export of <paramref name="family"/> at <paramref name="opset"/> (its default input size unless given).</summary>
    public static ZooModel Export(string family, int opset = 13, int size = 0)
    {
        if (size == 0) size = Families[family];
        var key = $"{family}-op{opset}-{size}";
        return Cache.GetOrAdd(key, _ => new Lazy<ZooModel>(() => Run(family, opset, size))).Value;
    }

    static ZooModel Run(string family, int opset, int size)
    {
        var script = File.ReadAllBytes(ScriptPath);
        var version = Convert.ToHexStringLower(SHA256.HashData(script))[..12];
        var dir = Path.Combine(Path.GetTempPath(), "layerprobe-zoo", version, $"{family}-op{opset}-{size}");
        if (!File.Exists(Path.Combine(dir, "meta.json")))
        {
            var staging = dir + $".tmp{Environment.ProcessId}";
            if (Directory.Exists(staging)) Directory.Delete(staging, true);
            var start = new ProcessStartInfo(Python, [ScriptPath, family, opset.ToString(), size.ToString(), staging])
            { RedirectStandardError = true, RedirectStandardOutput = true };
            start.Environment["OMP_NUM_THREADS"] = "1";
            using var p = Process.Start(start)!;
            var stdout = p.StandardOutput.ReadToEndAsync();
            var err = p.StandardError.ReadToEnd();
            p.WaitForExit();
            if (p.ExitCode != 0) throw new InvalidOperationException($"export of {family} at opset {opset} failed:\n{err}");
            try { Directory.Move(staging, dir); }
            catch (IOException) when (File.Exists(Path.Combine(dir, "meta.json"))) { Directory.Delete(staging, true); }
        }
        using var meta = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "meta.json")));
        int[] Shape(string name) => [.. meta.RootElement.GetProperty(name).EnumerateArray().Select(e => e.GetInt32())];
        return new ZooModel(family, opset, size, Path.Combine(dir, "model.onnx"),
            meta.RootElement.GetProperty("input").GetString()!, Shape("input_shape"), ReadFloats(Path.Combine(dir, "input.f32")),
            meta.RootElement.GetProperty("output").GetString()!, Shape("output_shape"), ReadFloats(Path.Combine(dir, "output.f32")));
    }

    static float[] ReadFloats(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var values = new float[bytes.Length / 4];
        Buffer.BlockCopy(bytes, 0, values, 0, bytes.Length);
        return values;
    }
}

/// <summary>One exported network with its reference batch (NCHW, RGB as torchvision expects it) and torchvision's output.</summary>
sealed record ZooModel(string Family, int Opset, int Size, string OnnxPath,
    string InputName, int[] InputShape, float[] Input, string OutputName, int[] OutputShape, float[] TorchOutput);

/// <summary>Skipped, with the reason, when python3-torchvision cannot build the zoo here.</summary>
sealed class ZooTheoryAttribute : TheoryAttribute
{
    public ZooTheoryAttribute() { if (TorchvisionZoo.Unavailable is { } why) Skip = why; }
}
