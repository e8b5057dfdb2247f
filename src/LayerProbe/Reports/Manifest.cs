using System.Reflection;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace LayerProbe.Reports;

/// <summary>
/// Provenance of one result: the tool and machine that made it, every input (with its hash or fingerprint), every
/// setting, and every output file (with its hash). Written as <c>manifest.json</c> beside the numbers it describes.
/// </summary>
public sealed class Manifest
{
    /// <summary>What was run (e.g. "probe", "demo").</summary>
    public required string Task { get; init; }
    /// <summary>UTC time the manifest was written.</summary>
    public DateTime CreatedUtc { get; init; } = DateTime.UtcNow;
    /// <summary>Tool version incl. the source revision when the build knew it.</summary>
    public string Tool { get; init; } = ToolVersion;
    /// <summary>Machine and runtime facts.</summary>
    public Dictionary<string, string> Environment { get; init; } = DescribeEnvironment();
    /// <summary>Inputs: name → identity (path + sha256, or dataset fingerprint).</summary>
    public Dictionary<string, string> Inputs { get; init; } = [];
    /// <summary>Every setting that influenced the result.</summary>
    public Dictionary<string, object?> Settings { get; init; } = [];
    /// <summary>Output files (relative to the manifest) → sha256.</summary>
    public Dictionary<string, string> Outputs { get; init; } = [];
    /// <summary>Named durations in seconds and other measurements (peak RSS, throughput).</summary>
    public Dictionary<string, double> Measurements { get; init; } = [];

    /// <summary>The informational version of this build (includes +commit when built from git).</summary>
    public static string ToolVersion =>
        typeof(Manifest).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    /// <summary>Records the sha256 of each file under <paramref name="directory"/> matching the given names.</summary>
    public Manifest WithOutputs(string directory, IEnumerable<string> relativePaths)
    {
        foreach (var rel in relativePaths)
        {
            using var stream = File.OpenRead(Path.Combine(directory, rel));
            Outputs[rel] = Convert.ToHexStringLower(SHA256.HashData(stream));
        }
        return this;
    }

    /// <summary>Writes the manifest as indented JSON, atomically.</summary>
    public void Write(string path) => AtomicFile.WriteText(path, JsonSerializer.Serialize(this, Options));

    /// <summary>A value (e.g. one setting) as JSON, written the way the manifest writes it.</summary>
    public static string ToJson(object? value, bool indented = true) =>
        JsonSerializer.Serialize(value, indented ? Options : Compact);

    static readonly JsonSerializerOptions Compact = new()
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
    };

    static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
    };

    static Dictionary<string, string> DescribeEnvironment() => new()
    {
        ["os"] = RuntimeInformation.OSDescription,
        ["architecture"] = RuntimeInformation.ProcessArchitecture.ToString(),
        ["cores"] = System.Environment.ProcessorCount.ToString(),
        ["dotnet"] = RuntimeInformation.FrameworkDescription,
        ["onnxruntime"] = typeof(Microsoft.ML.OnnxRuntime.InferenceSession).Assembly.GetName().Version?.ToString() ?? "?",
        ["torchsharp"] = typeof(TorchSharp.torch).Assembly.GetName().Version?.ToString() ?? "?",
    };
}
