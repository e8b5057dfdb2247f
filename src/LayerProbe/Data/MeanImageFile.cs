using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Google.Protobuf;

namespace LayerProbe.Data;

/// <summary>
/// Reads a Caffe mean image — <c>.binaryproto</c> (Caffe BlobProto) or <c>.npy</c> (e.g. <c>ilsvrc_2012_mean.npy</c>) —
/// holding planar BGR 3×S×S in 0–255 scale, and centre-crops it to the network's input side (docs/method.md §1.1).
/// </summary>
public static partial class MeanImageFile
{
    /// <summary>Loads <paramref name="path"/> and crops it to <paramref name="cropSize"/> (offset floor((S − crop)/2)).</summary>
    public static MeanImage Load(string path, int cropSize)
    {
        if (!File.Exists(path)) throw LayerProbeException.For(path, "mean image file not found");
        var bytes = File.ReadAllBytes(path);
        var (shape, values) = path.EndsWith(".npy", StringComparison.OrdinalIgnoreCase) ? ReadNpy(bytes, path) : ReadBlobProto(bytes, path);
        if (shape is not [3, var h, var w] || h != w)
            throw LayerProbeException.For(path, $"mean image shape {string.Join("x", shape)} is not 3xSxS (planar BGR)");
        if (h < cropSize) throw LayerProbeException.For(path, $"mean image {h}x{w} is smaller than the crop {cropSize}");
        return MeanImage.CenterCrop(values, (int)h, cropSize);
    }

    /// <summary>Caffe BlobProto: num 1, channels 2, height 3, width 4, data 5 (packed float), shape 7 (BlobShape dim 1).</summary>
    static (long[] Shape, float[] Values) ReadBlobProto(byte[] bytes, string path)
    {
        long[] legacy = [0, 0, 0, 0];
        List<long>? shape = null;
        var values = new List<float>();
        try
        {
            var input = new CodedInputStream(bytes);
            uint tag;
            while ((tag = input.ReadTag()) != 0)
            {
                int field = WireFormat.GetTagFieldNumber(tag);
                var wire = WireFormat.GetTagWireType(tag);
                if (field is >= 1 and <= 4 && wire == WireFormat.WireType.Varint) legacy[field - 1] = input.ReadInt32();
                else if (field == 5 && wire == WireFormat.WireType.LengthDelimited)
                {
                    var packed = input.ReadBytes().Span;
                    for (int i = 0; i + 4 <= packed.Length; i += 4) values.Add(BinaryPrimitives.ReadSingleLittleEndian(packed[i..]));
                }
                else if (field == 5 && wire == WireFormat.WireType.Fixed32) values.Add(input.ReadFloat());
                else if (field == 7 && wire == WireFormat.WireType.LengthDelimited)
                {
                    shape = [];
                    var inner = new CodedInputStream(input.ReadBytes().ToByteArray());
                    uint t;
                    while ((t = inner.ReadTag()) != 0)
                    {
                        if (WireFormat.GetTagFieldNumber(t) != 1) { inner.SkipLastField(); continue; }
                        if (WireFormat.GetTagWireType(t) == WireFormat.WireType.Varint) { shape.Add(inner.ReadInt64()); continue; }
                        var dims = new CodedInputStream(inner.ReadBytes().ToByteArray());
                        while (!dims.IsAtEnd) shape.Add(dims.ReadInt64());
                    }
                }
                else input.SkipLastField();
            }
        }
        catch (InvalidProtocolBufferException e) { throw LayerProbeException.For(path, $"not a Caffe BlobProto: {e.Message}", e); }
        long[] dimsFound = shape is not null ? [.. shape] : legacy[0] <= 1 ? legacy[1..] : legacy;
        if (dimsFound is [1, .. var rest]) dimsFound = rest;
        // The product stops growing past the values present, so no size overflows into a match.
        if (values.Count == 0 || dimsFound.Any(d => d <= 0) || dimsFound.Aggregate(1L, (a, b) => a > values.Count / b ? values.Count + 1L : a * b) != values.Count)
            throw LayerProbeException.For(path, $"BlobProto holds {values.Count} floats for shape {string.Join("x", dimsFound)}");
        return (dimsFound, [.. values]);
    }

    /// <summary>NumPy .npy v1–v3, little-endian float32/float64, C order.</summary>
    static (long[] Shape, float[] Values) ReadNpy(byte[] bytes, string path)
    {
        if (bytes.Length < 12 || bytes[0] != 0x93 || Encoding.ASCII.GetString(bytes, 1, 5) != "NUMPY")
            throw LayerProbeException.For(path, "not a .npy file (bad magic)");
        int major = bytes[6];
        if (major is < 1 or > 3) throw LayerProbeException.For(path, $".npy format version {major} is not 1, 2 or 3");
        long headerLength = major == 1 ? BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8)) : BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8));
        int start = major == 1 ? 10 : 12;
        if (start + headerLength > bytes.Length) throw LayerProbeException.For(path, $"truncated .npy header ({headerLength} bytes declared, {bytes.Length - start} present)");
        var header = Encoding.Latin1.GetString(bytes, start, (int)headerLength);
        var descr = DescrPattern().Match(header);
        var shapeMatch = ShapePattern().Match(header);
        if (!descr.Success || !shapeMatch.Success || header.Contains("'fortran_order': True"))
            throw LayerProbeException.For(path, $".npy header not understood (need little-endian float, C order): {header.Trim()[..Math.Min(header.Trim().Length, 160)]}");
        int itemSize = descr.Groups[1].Value == "f4" ? 4 : 8;
        var data = bytes.AsSpan(start + (int)headerLength);
        var sizes = shapeMatch.Groups[1].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var shape = new long[sizes.Length];
        long count = 1, available = data.Length / itemSize; // count stops growing past what the file holds
        for (int d = 0; d < sizes.Length; d++)
        {
            if (!long.TryParse(sizes[d], NumberStyles.None, CultureInfo.InvariantCulture, out shape[d]))
                throw LayerProbeException.For(path, $".npy shape ({shapeMatch.Groups[1].Value}) is not a tuple of sizes");
            count = shape[d] == 0 ? 0 : count > available / shape[d] ? available + 1 : count * shape[d];
        }
        if (count != available || data.Length % itemSize != 0)
            throw LayerProbeException.For(path, $".npy data is {data.Length} bytes, shape {string.Join("x", shape)} needs {(count > available ? "more" : count * itemSize)}");
        var values = new float[count];
        for (long i = 0; i < count; i++)
            values[i] = itemSize == 4 ? BinaryPrimitives.ReadSingleLittleEndian(data[(int)(4 * i)..]) : (float)BinaryPrimitives.ReadDoubleLittleEndian(data[(int)(8 * i)..]);
        return (shape, values);
    }

    [GeneratedRegex(@"'descr':\s*'<(f4|f8)'")]
    private static partial Regex DescrPattern();
    [GeneratedRegex(@"'shape':\s*\(([^)]*)\)")]
    private static partial Regex ShapePattern();
}
