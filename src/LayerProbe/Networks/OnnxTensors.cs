using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;

namespace LayerProbe.Networks;

/// <summary>
/// Conversions between ONNX <see cref="TensorProto"/> initializers and plain arrays. Reads both storage forms
/// (<c>raw_data</c>, little-endian, and the typed repeated fields); writes <c>raw_data</c>.
/// </summary>
public static class OnnxTensors
{
    /// <summary>ONNX element type code of float32.</summary>
    public const int Float = (int)TensorProto.Types.DataType.Float;
    /// <summary>ONNX element type code of int64.</summary>
    public const int Int64 = (int)TensorProto.Types.DataType.Int64;
    /// <summary>ONNX element type code of int32.</summary>
    public const int Int32 = (int)TensorProto.Types.DataType.Int32;

    /// <summary>Element count implied by the tensor's dims (1 for a scalar).</summary>
    public static long Count(TensorProto t) => t.Dims.Aggregate(1L, (a, b) => a * b);

    /// <summary>The float32 values of a float tensor.</summary>
    public static float[] ReadFloats(TensorProto t)
    {
        if (t.DataType != Float) throw new LayerProbeException($"initializer '{t.Name}': expected float32, found ONNX type {t.DataType}");
        if (t.RawData.Length > 0) return MemoryMarshal.Cast<byte, float>(t.RawData.Span).ToArray();
        return t.FloatData.ToArray();
    }

    /// <summary>The values of an int64 or int32 tensor as int64.</summary>
    public static long[] ReadInt64s(TensorProto t)
    {
        if (t.DataType == Int64)
            return t.RawData.Length > 0 ? MemoryMarshal.Cast<byte, long>(t.RawData.Span).ToArray() : t.Int64Data.ToArray();
        if (t.DataType == Int32)
            return t.RawData.Length > 0 ? MemoryMarshal.Cast<byte, int>(t.RawData.Span).ToArray().Select(v => (long)v).ToArray()
                : t.Int32Data.Select(v => (long)v).ToArray();
        throw new LayerProbeException($"initializer '{t.Name}': expected an integer tensor, found ONNX type {t.DataType}");
    }

    /// <summary>A float32 tensor with the given dims, stored as raw data.</summary>
    public static TensorProto FromFloats(string name, long[] dims, ReadOnlySpan<float> values)
    {
        var t = new TensorProto { Name = name, DataType = Float };
        t.Dims.AddRange(dims);
        t.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values));
        return t;
    }

    /// <summary>An int64 tensor with the given dims, stored as raw data.</summary>
    public static TensorProto FromInt64s(string name, long[] dims, ReadOnlySpan<long> values)
    {
        var t = new TensorProto { Name = name, DataType = Int64 };
        t.Dims.AddRange(dims);
        t.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values));
        return t;
    }
}
