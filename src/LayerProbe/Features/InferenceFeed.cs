using System.Buffers;
using LayerProbe.Networks;
using Microsoft.ML.OnnxRuntime;

namespace LayerProbe.Features;

/// <summary>
/// Hands one batch to ONNX Runtime: the input tensor over the pipeline's preprocessed batch buffer and one output
/// tensor per requested layer over the buffers the stores write from, so ORT reads and writes the pipeline's memory
/// in place. With <see cref="ExtractionOptions.BindIo"/> (the default) the tensors are made once per buffer position
/// and bound through one <see cref="OrtIoBinding"/> for the whole run, ORT's way of feeding a device at its rate:
/// with CUDA, ORT copies the bound host buffers (page-locked by the pipeline, <see cref="CudaHostMemory"/>) to the
/// device and the results straight back into the store buffers. On the CPU it runs the same kernels on the same
/// memory as a plain <c>Run</c>, so the stores are the same bytes.
/// </summary>
sealed class InferenceFeed : IDisposable
{
    const int MaxCachedTensors = 4096; // output positions cycle through at most a block's worth of row offsets

    readonly InferenceSession _session;
    readonly string _inputName;
    readonly string[] _outputNames;
    readonly OrtIoBinding? _binding;
    readonly bool _synchronize;
    readonly Dictionary<(int Slot, nint Address, int Length), OrtValue> _tensors = [];

    public InferenceFeed(InferenceSession session, string inputName, IReadOnlyList<string> outputNames, ExtractionOptions options)
    {
        _session = session;
        _inputName = inputName;
        _outputNames = [.. outputNames];
        _binding = options.BindIo ? session.CreateIoBinding() : null;
        _synchronize = options.Device.IsCuda;
    }

    /// <summary>
    /// Runs the batch in <paramref name="input"/> (shape <paramref name="inputShape"/>) and writes output
    /// <c>i</c> into <paramref name="outputs"/>[i] (item shape <paramref name="outputItemShapes"/>[i]).
    /// </summary>
    public void Run(RunOptions runOptions, Memory<float> input, long[] inputShape, Memory<float>[] outputs, long[][] outputItemShapes)
    {
        long batch = inputShape[0];
        if (_binding is null)
        {
            using var x = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, input, inputShape);
            var ys = new OrtValue[outputs.Length];
            try
            {
                for (int i = 0; i < ys.Length; i++)
                    ys[i] = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, outputs[i], [batch, .. outputItemShapes[i]]);
                _session.Run(runOptions, [_inputName], [x], _outputNames, ys);
            }
            finally { foreach (var y in ys) y?.Dispose(); }
            return;
        }

        _binding.ClearBoundInputs();
        _binding.ClearBoundOutputs();
        _binding.BindInput(_inputName, Tensor(-1, input, inputShape));
        for (int i = 0; i < outputs.Length; i++)
            _binding.BindOutput(_outputNames[i], Tensor(i, outputs[i], [batch, .. outputItemShapes[i]]));
        if (_synchronize) _binding.SynchronizeBoundInputs();
        _session.RunWithBinding(runOptions, _binding);
        if (_synchronize) _binding.SynchronizeBoundOutputs();
    }

    /// <summary>The tensor over <paramref name="memory"/>, made the first time this slot uses this position and length.</summary>
    OrtValue Tensor(int slot, Memory<float> memory, long[] shape)
    {
        nint address;
        using (MemoryHandle pin = memory.Pin()) unsafe { address = (nint)pin.Pointer; }
        var key = (slot, address, memory.Length);
        if (_tensors.TryGetValue(key, out var tensor)) return tensor;
        if (_tensors.Count >= MaxCachedTensors) DisposeTensors();
        return _tensors[key] = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, memory, shape);
    }

    void DisposeTensors()
    {
        _binding?.ClearBoundInputs();
        _binding?.ClearBoundOutputs();
        foreach (var t in _tensors.Values) t.Dispose();
        _tensors.Clear();
    }

    public void Dispose()
    {
        DisposeTensors();
        _binding?.Dispose();
    }
}
