using System.CommandLine;
using LayerProbe.Networks;

namespace LayerProbe.Cli;

/// <summary>
/// <c>--device cpu|cuda[:N]</c>, shared by every command that runs a network through ONNX Runtime (extract,
/// head-features, probe, the extracting studies, demo; each checks it before reading anything else) and by
/// <c>train</c>, which refuses CUDA with one line (training is CPU-only). <c>layers</c> runs ONNX Runtime only to
/// infer shapes on one dummy input and stays on the CPU.
/// </summary>
sealed class DeviceOption
{
    /// <summary>Why <c>train --device cuda</c> is refused.</summary>
    public const string TrainingIsCpuOnly =
        "training runs on the CPU only (TorchSharp's CUDA packages are not available to this build); --device cuda applies to extraction (extract, probe, the studies, demo)";

    readonly Option<string> _device = new("--device")
    {
        Description = $"where ONNX Runtime runs the network: cpu, cuda or cuda:N (CUDA needs the GPU build: {ExecutionDevice.GpuBuildHint})",
        DefaultValueFactory = _ => "cpu",
    };

    public void AddTo(Command command) => command.Options.Add(_device);

    /// <summary>The parsed device, checked to be usable; a bad value or a missing CUDA provider is one line.</summary>
    public ExecutionDevice Value(ParseResult parse) => Parsed(parse).EnsureAvailable();

    ExecutionDevice Parsed(ParseResult parse) => ExecutionDevice.Parse(parse.GetValue(_device)!);

    /// <summary>The device for a command that trains: CPU only, <c>cuda</c> is one line saying why.</summary>
    public void RequireCpu(ParseResult parse, string command)
    {
        var device = Parsed(parse);
        if (device.IsCuda) throw LayerProbeException.For($"{command} --device {device}", TrainingIsCpuOnly);
    }
}
