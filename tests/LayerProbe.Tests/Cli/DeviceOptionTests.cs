using System.Text.Json;
using LayerProbe.Features;
using LayerProbe.Networks;
using LayerProbe.Tests.Features;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using TempDir = LayerProbe.Tests.Data.TempDir;

namespace LayerProbe.Tests.Cli;

/// <summary>
/// <c>--device</c> through the CLI as a child process: CUDA on the CPU build and training on CUDA are one line and
/// exit 2 with nothing extracted; <c>--device cpu</c> writes the same store bytes as no option and records the device.
/// </summary>
public class DeviceOptionTests
{
    static string Images(TempDir tmp)
    {
        string root = tmp.Combine("images");
        var random = new Random(5);
        for (int c = 0; c < 2; c++)
            for (int i = 0; i < 3; i++)
            {
                Directory.CreateDirectory(Path.Combine(root, $"cls{c}"));
                using var image = new Image<Rgb24>(24, 20);
                for (int y = 0; y < 20; y++) for (int x = 0; x < 24; x++)
                    image[x, y] = new Rgb24((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256));
                image.Save(Path.Combine(root, $"cls{c}", $"im{i}.png"));
            }
        return root;
    }

    /// <summary>Extracts conv1 and pool5 of a tiny network from six images (written once per folder: the data fingerprint covers file times).</summary>
    static (int Code, string Out, string Err) Extract(TempDir tmp, string output, params string[] extra)
    {
        string model = tmp.Combine("tiny.onnx"), images = tmp.Combine("images");
        if (!File.Exists(model)) File.Move(TinyNetwork.Write(tmp.Path), model);
        if (!Directory.Exists(images)) Images(tmp);
        return CliProcess.Run(["extract", "--model", model, "--layers", "conv1,pool5", "--data", "images:" + images, "--out", output, .. extra]);
    }

    static string OneLine((int Code, string Out, string Err) run)
    {
        Assert.True(run.Code == 2, $"exit {run.Code}, stderr:\n{run.Err}");
        var lines = CliProcess.ErrorLines(run.Err);
        Assert.DoesNotContain(lines, l => l.Contains("Exception") || l.StartsWith("at "));
        return Assert.Single(lines);
    }

    [Fact]
    public void Cuda_on_the_CPU_build_is_one_line_saying_how_to_get_a_GPU_build()
    {
        if (ExecutionDevice.GpuBuild) return; // the GPU build's refusal (no CUDA) is ExecutionDeviceTests' case
        using var tmp = new TempDir();
        var line = OneLine(Extract(tmp, tmp.Combine("out"), "--device", "cuda"));
        Assert.Equal($"layerprobe: --device cuda:0: this is a CPU build of LayerProbe (ONNX Runtime without the CUDA provider); build the GPU variant: {ExecutionDevice.GpuBuildHint}", line);
        Assert.False(Directory.Exists(tmp.Combine("out")), "nothing is written before the device is known to work");
    }

    /// <summary>
    /// The GPU build (<c>-p:LayerProbeGpu=true</c>; run by scripts/gpu-variant.sh in CI) on a machine without CUDA: one
    /// line naming what is missing, exit 2, no crash, nothing written — and the same command on the CPU runs.
    /// </summary>
    [Fact]
    public void Cuda_on_the_GPU_build_without_CUDA_is_one_line_and_the_CPU_still_runs()
    {
        if (!ExecutionDevice.GpuBuild || CudaLibraries.Missing() is null) return; // the CPU build's case is the test above; with CUDA it would run
        using var tmp = new TempDir();
        var line = OneLine(Extract(tmp, tmp.Combine("out"), "--device", "cuda"));
        Assert.Equal($"layerprobe: --device cuda:0: ONNX Runtime's CUDA provider cannot start: {CudaLibraries.Missing()} not found " +
                     "(the CUDA provider needs an NVIDIA driver, CUDA 13 and cuDNN 9 on the library path)", line);
        Assert.False(Directory.Exists(tmp.Combine("out")), "nothing is written before the device is known to work");
        var cpu = Extract(tmp, tmp.Combine("out"), "--device", "cpu");
        Assert.True(cpu.Code == 0, cpu.Err);
        Assert.Equal(2, ChildExtraction.StoreBytes(tmp.Combine("out")).Count / 2);
    }

    /// <summary>Every command that runs a network, with arguments that name nothing real: the device is checked first.</summary>
    public static TheoryData<string[]> NetworkCommands => new()
    {
        { ["extract", "--model", "none.onnx", "--layers", "fc6", "--data", "images:none", "--out", "OUT"] },
        { ["head-features", "--model", "none.onnx", "--store", "none", "--layers", "fc6", "--out", "OUT"] },
        { ["probe", "--model", "none.onnx", "--trainval", "images:none", "--test", "images:none", "--layers", "fc6", "--out", "OUT"] },
        { ["evolution", "--snapshots", "none", "--trainval", "images:none", "--test", "images:none", "--out", "OUT"] },
        { ["finetune-effect", "--pretrained", "none.onnx", "--fc-only", "none.onnx", "--full", "none.onnx", "--trainval", "images:none", "--test", "images:none", "--out", "OUT"] },
        { ["short-pretraining", "--early", "none_iter_1.onnx", "--final", "none_iter_2.onnx", "--data", "fashion-mnist", "--iterations", "1", "--trainval", "images:none", "--test", "images:none", "--out", "OUT"] },
        { ["demo", "--out", "OUT"] },
    };

    [Theory]
    [MemberData(nameof(NetworkCommands))]
    public void Every_command_that_runs_a_network_refuses_cuda_on_the_CPU_build_in_one_line(string[] args)
    {
        if (ExecutionDevice.GpuBuild) return;
        using var tmp = new TempDir();
        string output = tmp.Combine("out");
        var line = OneLine(CliProcess.Run([.. args.Select(a => a == "OUT" ? output : a), "--device", "cuda"]));
        Assert.Equal($"layerprobe: --device cuda:0: this is a CPU build of LayerProbe (ONNX Runtime without the CUDA provider); build the GPU variant: {ExecutionDevice.GpuBuildHint}", line);
        Assert.False(Directory.Exists(output));
    }

    [Theory]
    [InlineData("cuda:abc")]
    [InlineData("cuda:-1")]
    public void A_bad_device_is_one_line(string device)
    {
        using var tmp = new TempDir();
        Assert.Equal($"layerprobe: --device: '{device}' is not a device (use cpu, cuda or cuda:N with N a device number ≥ 0)",
            OneLine(Extract(tmp, tmp.Combine("out"), "--device", device)));
    }

    [Fact]
    public void Training_on_cuda_is_one_line_saying_training_is_CPU_only()
    {
        using var tmp = new TempDir();
        var line = OneLine(CliProcess.Run("train", "--model", "caffenet-mini", "--data", "fashion-mnist", "--iterations", "1",
            "--out", tmp.Combine("train"), "--device", "cuda:0"));
        Assert.StartsWith("layerprobe: train --device cuda:0: training runs on the CPU only", line);
        Assert.False(Directory.Exists(tmp.Combine("train")));
    }

    [Fact]
    public void Device_cpu_writes_the_same_store_bytes_as_no_option_and_records_the_device()
    {
        using var tmp = new TempDir();
        var plain = Extract(tmp, tmp.Combine("plain"));
        Assert.True(plain.Code == 0, plain.Err);
        var cpu = Extract(tmp, tmp.Combine("cpu"), "--device", "cpu");
        Assert.True(cpu.Code == 0, cpu.Err);

        var stores = Directory.GetDirectories(tmp.Combine("plain")).Select(Path.GetFileName).Order().ToList();
        Assert.Equal(2, stores.Count);
        Assert.Equal(stores, Directory.GetDirectories(tmp.Combine("cpu")).Select(Path.GetFileName).Order().ToList());
        foreach (var store in stores)
        {
            // Every store file but the manifest (it carries a creation time) and the lock (it holds the writer's PID):
            // features, ids, commit record, marker.
            var files = Directory.GetFiles(Path.Combine(tmp.Path, "plain", store!)).Select(Path.GetFileName)
                .Where(f => f is not (FeatureStoreFiles.Manifest or FeatureStoreFiles.WriteLock)).Order().ToList();
            Assert.Contains(FeatureStoreFiles.Matrix, files);
            Assert.Equal(files, Directory.GetFiles(Path.Combine(tmp.Path, "cpu", store!)).Select(Path.GetFileName)
                .Where(f => f is not (FeatureStoreFiles.Manifest or FeatureStoreFiles.WriteLock)).Order().ToList());
            foreach (var file in files)
                Assert.Equal(File.ReadAllBytes(Path.Combine(tmp.Path, "plain", store!, file!)), File.ReadAllBytes(Path.Combine(tmp.Path, "cpu", store!, file!)));
            foreach (var run in new[] { "plain", "cpu" })
            {
                string manifest = Path.Combine(tmp.Path, run, store!, FeatureStoreFiles.Manifest);
                Assert.Equal("cpu", FeatureManifest.Read(manifest).Device);
                using var json = JsonDocument.Parse(File.ReadAllText(manifest));
                Assert.Equal("cpu", json.RootElement.GetProperty("device").GetString());
            }
        }
    }
}
