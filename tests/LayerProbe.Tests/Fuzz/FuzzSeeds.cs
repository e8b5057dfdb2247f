using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using Google.Protobuf;
using LayerProbe.Features;
using LayerProbe.Networks;

namespace LayerProbe.Tests.Fuzz;

/// <summary>Valid files the fuzz campaigns start from, each written by the project's own writers or by the format's spec.</summary>
static class FuzzSeeds
{
    /// <summary>The labelme example annotations (Debian labelme-examples) when installed.</summary>
    public const string LabelmeAnnotations = References.ExternalReferences.LabelmeVoc + "/Annotations";

    /// <summary>
    /// The test's tiny CaffeNet-vocabulary graph, a CaffeNet-mini at 32 px built by the project's builder, and a tiny
    /// residual network with neutral value names (so the layer aliases are read off the graph's structure).
    /// </summary>
    public static byte[][] Onnx(string directory)
    {
        var tiny = File.ReadAllBytes(Features.TinyNetwork.Write(directory));
        var mini = CaffeNet.Build(CaffeNetSpec.Mini(inputSize: 32, widthDivisor: 16, fcWidth: 8, classes: 3)).ToByteArray();
        return [tiny, mini, TinyResidual().ToByteArray()];
    }

    static Onnx.ModelProto TinyResidual()
    {
        var random = new Random(5);
        var g = new OnnxGraphBuilder("residual").Input("x", "N", 2, 8, 8).Output("v15", "N", 4, 1, 1);
        string Weight(string name, params long[] dims) =>
            g.Initializer(name, dims, Enumerable.Range(0, (int)dims.Aggregate(1L, (a, b) => a * b)).Select(_ => (float)random.NextDouble() - 0.5f).ToArray());
        var pad = OnnxGraphBuilder.Ints("pads", 1, 1, 1, 1);
        var stride = OnnxGraphBuilder.Ints("strides", 2, 2);
        g.Node("Conv", "n0", ["x", Weight("w0", 4, 2, 3, 3)], "v0", pad);
        g.Node("Relu", "n1", ["v0"], "v1");
        g.Node("MaxPool", "n2", ["v1"], "v2", OnnxGraphBuilder.Ints("kernel_shape", 2, 2), stride);
        g.Node("Conv", "n3", ["v2", Weight("w1", 4, 4, 3, 3)], "v3", pad);
        g.Node("Relu", "n4", ["v3"], "v4");
        g.Node("Conv", "n5", ["v4", Weight("w2", 4, 4, 3, 3)], "v5", pad);
        g.Node("Add", "n6", ["v5", "v2"], "v6");
        g.Node("Relu", "n7", ["v6"], "v7");
        g.Node("Conv", "n8", ["v7", Weight("w3", 4, 4, 3, 3)], "v8", pad, stride);
        g.Node("Relu", "n9", ["v8"], "v9");
        g.Node("Conv", "n10", ["v9", Weight("w4", 4, 4, 3, 3)], "v10", pad);
        g.Node("Conv", "n11", ["v7", Weight("w5", 4, 4, 1, 1)], "v11", stride);
        g.Node("Add", "n12", ["v10", "v11"], "v12");
        g.Node("Relu", "n13", ["v12"], "v13");
        g.Node("GlobalAveragePool", "n14", ["v13"], "v15");
        return g.ToModel();
    }

    /// <summary>A hand-written VOC annotation with every field, plus labelme's exports when installed.</summary>
    public static byte[][] VocXml()
    {
        const string own = """
            <?xml version="1.0" encoding="utf-8"?>
            <annotation>
              <folder>VOC2007</folder><filename>000005.jpg</filename>
              <size><width>500</width><height>375</height><depth>3</depth></size>
              <segmented>0</segmented>
              <object><name>chair</name><pose>Rear</pose><truncated>0</truncated><difficult>0</difficult>
                <bndbox><xmin>263</xmin><ymin>211</ymin><xmax>324</xmax><ymax>339</ymax></bndbox></object>
              <object><name>cat</name><pose>Unspecified</pose><truncated>1</truncated><difficult>1</difficult>
                <bndbox><xmin>5</xmin><ymin>244</ymin><xmax>67</xmax><ymax>374</ymax></bndbox></object>
            </annotation>
            """;
        var seeds = new List<byte[]> { Encoding.UTF8.GetBytes(own) };
        if (Directory.Exists(LabelmeAnnotations))
            seeds.AddRange(Directory.GetFiles(LabelmeAnnotations, "*.xml").Order(StringComparer.Ordinal).Select(File.ReadAllBytes));
        return [.. seeds];
    }

    /// <summary>IDX files of unsigned bytes: images 4×5×6 (3 dimensions) and the same bytes as 2×10×6.</summary>
    public static byte[][] Idx3() => [Idx([4, 5, 6], 1), Idx([2, 10, 6], 2)];

    static byte[] Idx(int[] shape, int seed)
    {
        int length = shape.Aggregate(1, (a, b) => a * b);
        var bytes = new byte[4 + 4 * shape.Length + length];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, 0x0800u | (uint)shape.Length);
        for (int d = 0; d < shape.Length; d++) BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * d), shape[d]);
        new Random(seed).NextBytes(bytes.AsSpan(4 + 4 * shape.Length));
        return bytes;
    }

    /// <summary>gzip of <paramref name="data"/>.</summary>
    public static byte[] Gzip(byte[] data)
    {
        using var memory = new MemoryStream();
        using (var gzip = new GZipStream(memory, CompressionLevel.Fastest)) gzip.Write(data);
        return memory.ToArray();
    }

    /// <summary>.npy v1 (float32, float64) and v2 (float32) of a 3×8×8 mean, laid out as the NumPy format spec says.</summary>
    public static byte[][] Npy() => [Npy(1, "<f4", 4), Npy(1, "<f8", 8), Npy(2, "<f4", 4)];

    static byte[] Npy(int major, string descr, int itemSize)
    {
        int prefix = major == 1 ? 10 : 12;
        var dict = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': (3, 8, 8), }}";
        int padded = (prefix + dict.Length + 1 + 63) / 64 * 64 - prefix;
        var data = new byte[3 * 8 * 8 * itemSize];
        for (int i = 0; i < 3 * 8 * 8; i++)
        {
            if (itemSize == 4) BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(i * 4), i % 97 / 3f);
            else BinaryPrimitives.WriteDoubleLittleEndian(data.AsSpan(i * 8), i % 97 / 3.0);
        }
        return NpyFile(major, dict.PadRight(padded - 1) + "\n", data);
    }

    /// <summary>A .npy file: magic, version <paramref name="major"/>.0, the header's length and text as given, then <paramref name="data"/>.</summary>
    public static byte[] NpyFile(int major, string header, byte[] data)
    {
        int prefix = major == 1 ? 10 : 12;
        var text = Encoding.Latin1.GetBytes(header);
        var bytes = new byte[prefix + text.Length + data.Length];
        bytes[0] = 0x93;
        Encoding.ASCII.GetBytes("NUMPY").CopyTo(bytes, 1);
        bytes[6] = (byte)major;
        if (major == 1) BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), (ushort)text.Length);
        else BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), (uint)text.Length);
        text.CopyTo(bytes, prefix);
        data.CopyTo(bytes, prefix + text.Length);
        return bytes;
    }

    /// <summary>Caffe BlobProto means of 1×3×8×8: legacy num/channels/height/width, a BlobShape, and unpacked floats.</summary>
    public static byte[][] BinaryProto() => [BlobProto(legacy: true, packed: true), BlobProto(legacy: false, packed: true), BlobProto(legacy: true, packed: false)];

    static byte[] BlobProto(bool legacy, bool packed)
    {
        using var memory = new MemoryStream();
        var output = new CodedOutputStream(memory);
        if (legacy)
        {
            int[] dims = [1, 3, 8, 8];
            for (int f = 0; f < 4; f++) { output.WriteTag(f + 1, WireFormat.WireType.Varint); output.WriteInt32(dims[f]); }
        }
        else
        {
            var shape = new MemoryStream();
            var shapeOut = new CodedOutputStream(shape);
            var dims = new MemoryStream();
            var dimsOut = new CodedOutputStream(dims);
            foreach (long d in new long[] { 1, 3, 8, 8 }) dimsOut.WriteInt64(d);
            dimsOut.Flush();
            shapeOut.WriteTag(1, WireFormat.WireType.LengthDelimited);
            shapeOut.WriteBytes(ByteString.CopyFrom(dims.ToArray()));
            shapeOut.Flush();
            output.WriteTag(7, WireFormat.WireType.LengthDelimited);
            output.WriteBytes(ByteString.CopyFrom(shape.ToArray()));
        }
        var values = Enumerable.Range(0, 3 * 8 * 8).Select(i => i % 97 / 3f).ToArray();
        if (packed)
        {
            var data = new byte[values.Length * 4];
            for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(4 * i), values[i]);
            output.WriteTag(5, WireFormat.WireType.LengthDelimited);
            output.WriteBytes(ByteString.CopyFrom(data));
        }
        else foreach (var v in values) { output.WriteTag(5, WireFormat.WireType.Fixed32); output.WriteFloat(v); }
        output.Flush();
        return memory.ToArray();
    }

    /// <summary>Image sizes of the proposals seed's split.</summary>
    public static readonly Dictionary<string, (int Width, int Height)> ProposalImages = new()
    {
        ["000005"] = (500, 375), ["000007"] = (500, 333), ["2008_000008"] = (80, 60),
    };

    /// <summary>Proposal CSVs with and without a header line.</summary>
    /// <summary>Box-regressor files: 3 classes over 5 dimensions (one class without a regressor) and 1 class over 1.</summary>
    public static byte[][] BoxRegressors(string dir)
    {
        byte[] Make(int d, string[] classes, int seed)
        {
            var random = new Random(seed);
            var rows = new float[40 * d];
            for (int i = 0; i < rows.Length; i++) rows[i] = (float)random.NextDouble();
            var items = Enumerable.Range(0, 40).Select(i => (i, i % Math.Min(2, classes.Length), new global::LayerProbe.Data.PixelBox(10, 10, 40 + i, 50), new global::LayerProbe.Data.PixelBox(12, 9, 44 + i, 52 - i % 3)));
            var pairs = global::LayerProbe.Detection.BoxRegressionPairs.FromBoxes(classes.Length, items);
            var set = global::LayerProbe.Detection.BoxRegressors.Train(pairs, classes, new global::LayerProbe.Probes.DenseFeatureRows(rows, 40, d), new global::LayerProbe.Probes.FeatureScaling(2, 10, 20, 40, 3));
            string path = Path.Combine(dir, $"seed{seed}.bin");
            set.Save(path);
            return File.ReadAllBytes(path);
        }
        return [Make(5, ["a", "b", "c"], 1), Make(1, ["one"], 2)];
    }

    public static byte[][] ProposalsCsv() =>
    [
        Encoding.UTF8.GetBytes("image_id,x1,y1,x2,y2\n000005,1,1,500,375\n000005,12.5,40,300.25,200\n\n000007,3,4,5,6\n2008_000008,0,0,100,100\n"),
        Encoding.UTF8.GetBytes("000007,10,20,30,40\r\n000005,263,211,324,339\r\n2008_000008,1,1,80,60\r\n"),
    ];

    /// <summary>A store of 6 rows of a 3×2×2 activation (float32 or float16) written by the project's store writer.</summary>
    public static void Store(string directory, FeatureDType dtype)
    {
        var header = FeatureMatrixHeader.ForShape(dtype, 6, [3, 2, 2]);
        var manifest = new FeatureManifest
        {
            ModelPath = "m.onnx", ModelSha256 = "00", DataName = "d", DataFingerprint = "f", Preprocessing = "p", LayerAlias = "pool5",
            LayerValue = "pool5", Shape = [3, 2, 2], DType = dtype.ToString(), Key = "k", FormatVersion = FeatureMatrixHeader.FormatVersion,
            ToolVersion = "t", DotNetVersion = "n", OnnxRuntimeVersion = "o", Created = "c", Rows = 0, Complete = false,
        };
        using var writer = FeatureStoreWriter.OpenOrCreate(directory, header, manifest);
        var values = Enumerable.Range(0, 6 * 12).Select(i => i / 7f - 3).ToArray();
        writer.Append(values.AsSpan(0, 4 * 12), ["a", "b", "c", "d"]);
        writer.Commit();
        writer.Append(values.AsSpan(4 * 12), ["e", "f"]);
        writer.Commit();
        writer.Complete();
    }
}
