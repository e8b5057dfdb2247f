using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Microsoft.ML.OnnxRuntime;

namespace LayerProbe.Networks;

/// <summary>
/// Where ONNX Runtime runs a network: the CPU (default) or one CUDA device (<c>cuda</c> = <c>cuda:0</c>, <c>cuda:N</c>).
/// The CUDA execution provider exists only in the GPU build (<c>dotnet build -p:LayerProbeGpu=true</c>, which swaps the
/// ONNX Runtime package for <c>Microsoft.ML.OnnxRuntime.Gpu.Linux</c>); <see cref="AppendTo"/> turns every way it can
/// be unavailable into one <see cref="LayerProbeException"/> line. Training (TorchSharp) always runs on the CPU.
/// </summary>
/// <param name="CudaId">The CUDA device id, or null for the CPU.</param>
[JsonConverter(typeof(Json))]
public readonly record struct ExecutionDevice(int? CudaId)
{
    /// <summary>The CPU (ONNX Runtime's default provider).</summary>
    public static readonly ExecutionDevice Cpu = new(null);

    /// <summary>How to get a build with the CUDA provider (printed when a CPU build is asked for <c>cuda</c>).</summary>
    public const string GpuBuildHint = "dotnet build src/LayerProbe.Cli -c Release -p:LayerProbeGpu=true (or scripts/gpu-check.sh)";

    /// <summary>True when this assembly was built with <c>-p:LayerProbeGpu=true</c> (ONNX Runtime's GPU package).</summary>
    public static bool GpuBuild =>
#if LAYERPROBE_GPU
        true;
#else
        false;
#endif

    /// <summary>True for a CUDA device.</summary>
    public bool IsCuda => CudaId is not null;

    /// <summary><c>cpu</c> or <c>cuda:N</c> (what <see cref="Parse"/> reads back).</summary>
    public override string ToString() => CudaId is { } id ? $"cuda:{id}" : "cpu";

    /// <summary>
    /// Reads <c>cpu</c>, <c>cuda</c> or <c>cuda:N</c> (N ≥ 0); anything else is one line naming <paramref name="option"/>.
    /// </summary>
    public static ExecutionDevice Parse(string text, string option = "--device")
    {
        string t = text.Trim().ToLowerInvariant();
        if (t == "cpu") return Cpu;
        if (t == "cuda") return new ExecutionDevice(0);
        if (t.StartsWith("cuda:", StringComparison.Ordinal)
            && int.TryParse(t.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out int id))
            return new ExecutionDevice(id);
        throw LayerProbeException.For(option, $"'{text}' is not a device (use cpu, cuda or cuda:N with N a device number ≥ 0)");
    }

    /// <summary>
    /// Makes <paramref name="options"/> run on this device: nothing for the CPU; for CUDA, appends ONNX Runtime's CUDA
    /// provider. On a CPU build, or when the CUDA libraries or device are missing, throws one line saying so.
    /// </summary>
    public void AppendTo(SessionOptions options)
    {
        if (CudaId is not { } id) return;
        if (!GpuBuild)
            throw LayerProbeException.For($"--device {this}", $"this is a CPU build of LayerProbe (ONNX Runtime without the CUDA provider); build the GPU variant: {GpuBuildHint}");
        // Missing libraries are named before ORT tries (it would also log its own multi-line error to stderr).
        if (CudaLibraries.Missing() is { } missing)
            throw LayerProbeException.For($"--device {this}", $"ONNX Runtime's CUDA provider cannot start: {Cause("", missing)}");
        var env = OrtEnv.Instance();
        var level = env.EnvLogLevel;
        env.EnvLogLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL; // the exception below carries the error
        try { options.AppendExecutionProvider_CUDA(id); }
        catch (Exception e) when (e is OnnxRuntimeException or DllNotFoundException or EntryPointNotFoundException)
        { throw LayerProbeException.For($"--device {this}", $"ONNX Runtime's CUDA provider cannot start: {Cause(e.Message, CudaLibraries.Missing())}", e); }
        finally { env.EnvLogLevel = level; }
    }

    /// <summary>
    /// Checks up front (before any long work) that sessions can run on this device: throws the line
    /// <see cref="AppendTo"/> would throw at the first session.
    /// </summary>
    public ExecutionDevice EnsureAvailable()
    {
        if (!IsCuda) return this;
        using var probe = new SessionOptions();
        AppendTo(probe);
        return this;
    }

    /// <summary>
    /// The missing shared library: the one ORT's message names (a dlopen error), else those of
    /// <paramref name="missingLibraries"/> (what the loader cannot find), else the message's first line.
    /// </summary>
    internal static string Cause(string message, string? missingLibraries)
    {
        const string Needs = "not found (the CUDA provider needs an NVIDIA driver, CUDA 13 and cuDNN 9 on the library path)";
        var named = Regex.Match(message, @"(lib[\w.+-]+\.so[\w.]*)\s*:\s*cannot open shared object file");
        if (named.Success) return $"{named.Groups[1].Value} {Needs}";
        if (missingLibraries is not null) return $"{missingLibraries} {Needs}";
        return message.Split('\n')[0].Trim();
    }

    /// <summary>Manifests hold the device as its text (<c>cpu</c>, <c>cuda:0</c>).</summary>
    sealed class Json : JsonConverter<ExecutionDevice>
    {
        public override ExecutionDevice Read(ref Utf8JsonReader reader, Type type, JsonSerializerOptions options) => Parse(reader.GetString() ?? "");
        public override void Write(Utf8JsonWriter writer, ExecutionDevice value, JsonSerializerOptions options) => writer.WriteStringValue(value.ToString());
    }
}
