using System.Runtime.InteropServices;

namespace LayerProbe.Networks;

/// <summary>
/// The shared libraries ONNX Runtime 1.31's CUDA provider needs (the NEEDED entries of
/// <c>libonnxruntime_providers_cuda.so</c>: the driver and CUDA 13's runtime, cuBLAS, cuBLASLt and cuRAND), plus cuDNN 9,
/// which it opens at run time. ORT's own error when the provider fails to load does not say which is missing; this does.
/// </summary>
static class CudaLibraries
{
    /// <summary>Driver first: without it nothing else matters.</summary>
    public static readonly string[] Needed =
        ["libcuda.so.1", "libcudart.so.13", "libcublas.so.13", "libcublasLt.so.13", "libcurand.so.10", "libcudnn.so.9"];

    /// <summary>The needed libraries the dynamic loader cannot find, comma-separated, or null when all load.</summary>
    public static string? Missing()
    {
        var missing = Needed.Where(name =>
        {
            if (!NativeLibrary.TryLoad(name, out var handle)) return true;
            NativeLibrary.Free(handle);
            return false;
        }).ToList();
        return missing.Count == 0 ? null : string.Join(", ", missing);
    }
}
