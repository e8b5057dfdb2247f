using System.Buffers.Binary;
using System.Text;
using Google.Protobuf;
using LayerProbe.Data;
using LayerProbe.Features;
using LayerProbe.Networks;
using Onnx;

namespace LayerProbe.Tests.Fuzz;

/// <summary>
/// One test per distinct bug the fuzz campaigns found (or a reading of the parser next to them showed), each with the
/// smallest input that showed it: before the fix every one was an unhandled exception, a multi-line message or an
/// allocation sized by a header field instead of the file.
/// </summary>
public class FuzzRegressionTests : IDisposable
{
    readonly Data.TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    string Write(string name, byte[] bytes)
    {
        var path = _dir.Combine(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>The refusal: a <see cref="LayerProbeException"/> of one line that starts with <paramref name="path"/>.</summary>
    static string Refused(string path, Action parse)
    {
        var e = Assert.Throws<LayerProbeException>(parse);
        Assert.StartsWith(path, e.Message); // the file, or one inside the store folder
        Assert.DoesNotContain('\n', e.Message);
        Assert.DoesNotContain('\r', e.Message);
        return e.Message;
    }

    /// <summary>Bytes allocated on this thread by <paramref name="action"/> (which is expected to throw a refusal).</summary>
    static long AllocatedWhileRefusing(Action action)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Throws<LayerProbeException>(action);
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    [Fact] // XmlException quoted the offending newline: the message was two lines.
    public void Voc_xml_error_quoting_a_newline_stays_one_line()
    {
        var path = Write("a.xml", Encoding.ASCII.GetBytes("<annotation><\n"));
        Assert.Contains("malformed XML", Refused(path, () => VocAnnotationReader.Read(path)));
    }

    [Fact] // Entity expansion made a small file a large document; VOC annotations have no DTD.
    public void Voc_xml_with_a_dtd_is_refused()
    {
        var path = Write("a.xml", Encoding.ASCII.GetBytes("<!DOCTYPE a [<!ENTITY e \"x\">]><annotation>&e;</annotation>"));
        Assert.Contains("DTD", Refused(path, () => VocAnnotationReader.Read(path)));
    }

    [Theory] // NaN passed every box comparison; a width of 1e10 became int.MaxValue.
    [InlineData("<xmin>NaN</xmin>", "10", "<xmin> is not a number")]
    [InlineData("<xmin>1</xmin>", "1e10", "<width> is not an integer")]
    public void Voc_non_finite_and_out_of_range_numbers_are_refused(string xmin, string width, string expected)
    {
        var xml = $"<annotation><size><width>{width}</width><height>10</height></size><object><name>cat</name><bndbox>{xmin}<ymin>1</ymin><xmax>5</xmax><ymax>5</ymax></bndbox></object></annotation>";
        var path = Write("a.xml", Encoding.ASCII.GetBytes(xml));
        Assert.Contains(expected, Refused(path, () => VocAnnotationReader.Read(path)));
    }

    static byte[] IdxHeader(params int[] shape)
    {
        var bytes = new byte[4 + 4 * shape.Length];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, 0x0800u | (uint)shape.Length);
        for (int d = 0; d < shape.Length; d++) BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * d), shape[d]);
        return bytes;
    }

    [Fact] // The product of three int32 sizes overflowed the long (OverflowException in new byte[]).
    public void Idx_sizes_whose_product_overflows_are_refused()
    {
        var path = Write("x-idx3-ubyte", IdxHeader(int.MaxValue, int.MaxValue, int.MaxValue));
        Assert.Contains("too large", Refused(path, () => IdxFile.ReadBytes(path, 3)));
    }

    [Theory] // A 16-byte header claiming 2^30 bytes allocated them before finding the data missing.
    [InlineData(false)]
    [InlineData(true)]
    public void Idx_header_claiming_more_than_the_file_holds_allocates_nothing_of_that_size(bool gzip)
    {
        var bytes = IdxHeader(1024, 1024, 1024);
        var path = Write(gzip ? "x-idx3-ubyte.gz" : "x-idx3-ubyte", gzip ? FuzzSeeds.Gzip(bytes) : bytes);
        Assert.True(AllocatedWhileRefusing(() => IdxFile.ReadBytes(path, 3)) < 4 << 20);
        Assert.Contains("truncated IDX data", Refused(path, () => IdxFile.ReadBytes(path, 3)));
    }

    static byte[] Npy(int major, string header, int dataBytes = 0) => FuzzSeeds.NpyFile(major, header, new byte[dataBytes]);

    [Fact] // A v2 header length ≥ 2^31 was read as a negative int (ArgumentOutOfRangeException).
    public void Npy_v2_header_length_beyond_int_is_refused()
    {
        var bytes = Npy(2, "{}");
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), 0xFFFFFFF0);
        var path = Write("mean.npy", bytes);
        Assert.Contains("truncated .npy header", Refused(path, () => MeanImageFile.Load(path, 6)));
    }

    [Theory] // long.Parse threw FormatException on a size that is not digits; a 2^62 size overflowed the byte count.
    [InlineData("(3, 8, 8x)", "not a tuple of sizes")]
    [InlineData("(3, \uFEFF8, 8)", "not a tuple of sizes")]
    [InlineData("(3, 4611686018427387904, 4)", "needs more")]
    public void Npy_shape_sizes_that_are_not_numbers_or_overflow_are_refused(string shape, string expected)
    {
        var path = Write("mean.npy", Npy(1, $"{{'descr': '<f4', 'fortran_order': False, 'shape': {shape}, }}\n", dataBytes: 3 * 8 * 8 * 4));
        Assert.Contains(expected, Refused(path, () => MeanImageFile.Load(path, 6)));
    }

    [Fact] // The "not understood" refusal quoted a header holding a line break.
    public void Npy_header_with_control_characters_is_quoted_on_one_line()
    {
        var path = Write("mean.npy", Npy(1, "{'descr': '<f4':\n\0 False}\n"));
        Assert.Contains("header not understood", Refused(path, () => MeanImageFile.Load(path, 6)));
    }

    [Fact] // Shape 3×(8+2^60)×(8+2^60) has the same 64-bit product as 3×8×8: it matched 192 floats.
    public void Binaryproto_sizes_whose_product_wraps_are_refused()
    {
        using var memory = new MemoryStream();
        var output = new CodedOutputStream(memory);
        var dims = new MemoryStream();
        var dimsOut = new CodedOutputStream(dims);
        foreach (long d in new[] { 3, 8 + (1L << 60), 8 + (1L << 60) }) dimsOut.WriteInt64(d);
        dimsOut.Flush();
        var shape = new MemoryStream();
        var shapeOut = new CodedOutputStream(shape);
        shapeOut.WriteTag(1, WireFormat.WireType.LengthDelimited);
        shapeOut.WriteBytes(ByteString.CopyFrom(dims.ToArray()));
        shapeOut.Flush();
        output.WriteTag(7, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(ByteString.CopyFrom(shape.ToArray()));
        output.WriteTag(5, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(ByteString.CopyFrom(new byte[3 * 8 * 8 * 4]));
        output.Flush();
        var path = Write("mean.binaryproto", memory.ToArray());
        Assert.Contains("holds 192 floats", Refused(path, () => MeanImageFile.Load(path, 6)));
    }

    ModelProto Tiny() => ModelProto.Parser.ParseFrom(File.ReadAllBytes(Features.TinyNetwork.Write(_dir.Path)));

    string WriteModel(ModelProto model) => Write("model.onnx", model.ToByteArray());

    [Fact] // ONNX Runtime loads the graph but fails running it (here: a size the fixed-size input refuses, as `layers --size`
            // asks); that OnnxRuntimeException escaped LayerTable.Read.
    public void Onnx_model_failing_at_run_time_is_refused()
    {
        var path = WriteModel(Tiny());
        var network = OnnxNetwork.Load(path);
        Assert.Contains("ONNX Runtime cannot run the model", Refused(path, () => LayerTable.Read(network, 20, 20)));
    }

    [Fact] // A non-float layer output made AsTensor<float>() null (NullReferenceException); layers are float activations only.
    public void Onnx_layer_table_leaves_out_non_float_outputs()
    {
        var model = Tiny();
        var cast = new NodeProto { OpType = "Cast", Name = "cast_node" };
        cast.Input.Add("fc6");
        cast.Output.Add("fc6_int");
        cast.Attribute.Add(new AttributeProto { Name = "to", Type = AttributeProto.Types.AttributeType.Int, I = (long)TensorProto.Types.DataType.Int64 });
        model.Graph.Node.Add(cast);
        var rows = LayerTable.Read(OnnxNetwork.Load(WriteModel(model)));
        Assert.DoesNotContain(rows, r => r.Value == "fc6_int");
        Assert.Equal([4, Features.TinyNetwork.Size, Features.TinyNetwork.Size], rows.Single(r => r.Value == "conv1").Shape);
    }

    [Theory] // A declared input of 3×65536×65536 made the layer table allocate 48 GiB; one beyond int wrapped around.
    [InlineData(65536L, "larger than a layer table runs")]
    [InlineData((1L << 32) + 16, "declares a dimension of 4294967312")]
    public void Onnx_huge_declared_inputs_are_refused_before_allocation(long side, string expected)
    {
        var model = Tiny();
        var dims = model.Graph.Input[0].Type.TensorType.Shape.Dim;
        dims[2] = new TensorShapeProto.Types.Dimension { DimValue = side };
        dims[3] = new TensorShapeProto.Types.Dimension { DimValue = side };
        var path = WriteModel(model);
        long allocated = AllocatedWhileRefusing(() => LayerTable.Read(OnnxNetwork.Load(path)));
        Assert.True(allocated < 16 << 20, $"{allocated} bytes");
        Assert.Contains(expected, Refused(path, () => LayerTable.Read(OnnxNetwork.Load(path))));
    }

    [Fact] // A residual graph's last GlobalAveragePool without an output name: Output[0] out of range in LayerAliases.
    public void Onnx_residual_graph_with_an_unnamed_node_output_loads()
    {
        var model = Onnx.ModelProto.Parser.ParseFrom(FuzzSeeds.Onnx(_dir.Path)[2]);
        model.Graph.Node.Last().Output.Clear();
        var network = OnnxNetwork.FromBytes(model.ToByteArray(), "residual.onnx");
        Assert.Equal(["stem", "stem-relu", "pool1", "res2a", "res3a"], network.Aliases.Names);
    }

    string Store()
    {
        var store = _dir.Combine("store");
        FuzzSeeds.Store(store, FeatureDType.Float32);
        return store;
    }

    [Theory] // W = 2^31 − 1 with cols = C·H·W (or its 64-bit wrap) passed the header check; Open overflowed (OverflowException).
    [InlineData(3, 2, int.MaxValue, 3L * 2 * int.MaxValue)]
    [InlineData(3, 2, int.MaxValue, -6L)]
    [InlineData(-1, -1, 12, 12L)]
    public void Store_header_sizes_beyond_int_or_negative_are_refused(int channels, int height, int width, long cols)
    {
        var store = Store();
        var matrix = Path.Combine(store, FeatureStoreFiles.Matrix);
        var bytes = File.ReadAllBytes(matrix);
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(16), 0);
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(24), cols);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(32), channels);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(36), height);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(40), width);
        File.WriteAllBytes(matrix, bytes);
        Assert.Contains("inconsistent header", Refused(store, () => FeatureMatrix.Open(store).Dispose()));
    }

    [Theory] // Rows × row bytes overflowed to a negative file length, which passed the length check.
    [InlineData(true)]
    [InlineData(false)]
    public void Store_row_counts_whose_length_overflows_are_refused(bool inCommitRecord)
    {
        var store = Store();
        if (inCommitRecord)
        {
            File.Delete(Path.Combine(store, FeatureStoreFiles.Complete));
            File.WriteAllText(Path.Combine(store, FeatureStoreFiles.Commit), $"rows {long.MaxValue / 3}\nid_bytes 8\n");
            Assert.Contains("commit record holds", Refused(store, () => FeatureMatrix.Open(store, allowPartial: true).Dispose()));
            return;
        }
        var matrix = Path.Combine(store, FeatureStoreFiles.Matrix);
        var bytes = File.ReadAllBytes(matrix);
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(16), long.MaxValue / 3);
        File.WriteAllBytes(matrix, bytes);
        Assert.Contains("inconsistent header", Refused(store, () => FeatureMatrix.Open(store).Dispose()));
    }
}
