using LayerProbe.Features;
using LayerProbe.Networks;
using Microsoft.ML.OnnxRuntime;

namespace LayerProbe.Tests.Networks;

/// <summary>
/// <c>--device</c> values: what parses, what is refused with one line, and what appending the CUDA provider does in
/// this build (the CPU build refuses with the way to a GPU build; a GPU build without CUDA names what is missing).
/// </summary>
public class ExecutionDeviceTests
{
    [Theory]
    [InlineData("cpu", null)]
    [InlineData("CPU", null)]
    [InlineData("cuda", 0)]
    [InlineData("cuda:0", 0)]
    [InlineData(" cuda:3 ", 3)]
    [InlineData("Cuda:12", 12)]
    public void Device_names_parse_to_the_CPU_or_a_CUDA_id(string text, int? id)
    {
        var device = ExecutionDevice.Parse(text);
        Assert.Equal(id, device.CudaId);
        Assert.Equal(id is null ? "cpu" : $"cuda:{id}", device.ToString());
        Assert.Equal(device, ExecutionDevice.Parse(device.ToString()));
    }

    [Theory]
    [InlineData("cuda:abc")]
    [InlineData("cuda:-1")]
    [InlineData("cuda:")]
    [InlineData("cuda:1.5")]
    [InlineData("cuda:+1")]
    [InlineData("gpu")]
    [InlineData("")]
    public void Anything_else_is_one_line_naming_the_option(string text)
    {
        var e = Assert.Throws<LayerProbeException>(() => ExecutionDevice.Parse(text));
        Assert.StartsWith($"--device: '{text}' is not a device", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Extraction_runs_on_the_CPU_unless_asked()
    {
        Assert.Equal(ExecutionDevice.Cpu, new ExtractionOptions().Device);
        using var options = new SessionOptions();
        ExecutionDevice.Cpu.AppendTo(options); // nothing to append, nothing to fail
        Assert.Equal(ExecutionDevice.Cpu, ExecutionDevice.Cpu.EnsureAvailable());
    }

    [Fact]
    public void Cuda_on_this_build_is_refused_in_one_line_or_runs()
    {
        using var options = new SessionOptions();
        var cuda = ExecutionDevice.Parse("cuda:1");
        if (!ExecutionDevice.GpuBuild)
        {
            var e = Assert.Throws<LayerProbeException>(() => cuda.AppendTo(options));
            Assert.StartsWith("--device cuda:1: this is a CPU build of LayerProbe", e.Message);
            Assert.Contains("-p:LayerProbeGpu=true", e.Message);
            Assert.DoesNotContain('\n', e.Message);
            return;
        }
        // GPU build: a machine without CUDA (or without device 1) gets one line; one with it gets the provider.
        try { cuda.AppendTo(options); }
        catch (LayerProbeException e)
        {
            Assert.StartsWith("--device cuda:1: ONNX Runtime's CUDA provider cannot start: ", e.Message);
            Assert.DoesNotContain('\n', e.Message);
        }
    }

    [Theory]
    [InlineData("[ONNXRuntimeError] : 1 : FAIL : Failed to load library libonnxruntime_providers_cuda.so with error: libcublasLt.so.13: cannot open shared object file: No such file or directory\nstack",
        "libcuda.so.1", "libcublasLt.so.13 not found (the CUDA provider needs")]
    [InlineData("[ErrorCode:Fail] OrtSessionOptionsAppendExecutionProvider_Cuda: Failed to load shared library",
        "libcuda.so.1, libcudart.so.13", "libcuda.so.1, libcudart.so.13 not found (the CUDA provider needs")]
    [InlineData("CUDA failure 100: no CUDA-capable device is detected ; GPU=0\nmore", null, "CUDA failure 100: no CUDA-capable device is detected ; GPU=0")]
    public void The_cause_names_the_missing_library_or_is_the_first_line(string message, string? missing, string cause) =>
        Assert.StartsWith(cause, ExecutionDevice.Cause(message, missing));

    [Fact]
    public void Without_an_NVIDIA_driver_libcuda_is_named_missing()
    {
        var missing = CudaLibraries.Missing();
        if (missing is not null) Assert.All(missing.Split(", "), name => Assert.Contains(name, CudaLibraries.Needed));
        if (File.Exists("/dev/nvidiactl")) return; // a machine with a driver may have them all
        Assert.NotNull(missing);
        Assert.StartsWith("libcuda.so.1", missing);
    }
}
