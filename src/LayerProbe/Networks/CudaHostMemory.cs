using System.Runtime.InteropServices;

namespace LayerProbe.Networks;

/// <summary>
/// Page-locks ("pins") host memory that already exists for the CUDA driver (<c>cudaHostRegister</c> from CUDA 13's
/// runtime, <c>libcudart.so.13</c>), so that ONNX Runtime's host↔device copies of a batch go by DMA at the bus's rate
/// instead of through the driver's staging buffer. The extraction pipeline pins its own batch buffers this way rather
/// than allocating from ORT's <c>CudaPinned</c> allocator, so the buffers keep the layout the stores write from
/// (2 MiB-aligned, disk-block rows). Without the CUDA runtime nothing is pinned and copies still work, only slower.
/// </summary>
static unsafe class CudaHostMemory
{
    const uint Portable = 1; // cudaHostRegisterPortable: pinned for every CUDA context, whichever one ORT uses

    static readonly Lazy<(nint Register, nint Unregister)> Runtime = new(() =>
    {
        if (!NativeLibrary.TryLoad("libcudart.so.13", out var library)) return default;
        return NativeLibrary.TryGetExport(library, "cudaHostRegister", out var register)
               && NativeLibrary.TryGetExport(library, "cudaHostUnregister", out var unregister)
            ? (register, unregister)
            : default;
    });

    /// <summary>True when the CUDA runtime library could be loaded (never on a machine without CUDA 13).</summary>
    public static bool Available => Runtime.Value.Register != 0;

    /// <summary>Pins <paramref name="bytes"/> bytes at <paramref name="address"/> (page-aligned); false when CUDA cannot.</summary>
    public static bool TryRegister(void* address, nuint bytes)
    {
        var (register, _) = Runtime.Value;
        return register != 0 && ((delegate* unmanaged<void*, nuint, uint, int>)register)(address, bytes, Portable) == 0;
    }

    /// <summary>Unpins memory pinned by <see cref="TryRegister"/> (before it is unmapped).</summary>
    public static void Unregister(void* address)
    {
        var (_, unregister) = Runtime.Value;
        if (unregister != 0) ((delegate* unmanaged<void*, int>)unregister)(address);
    }
}
