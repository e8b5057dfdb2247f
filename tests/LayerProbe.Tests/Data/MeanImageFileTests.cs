using System.Diagnostics;
using LayerProbe.Data;

namespace LayerProbe.Tests.Data;

/// <summary>
/// Mean image files written by independent tools (NumPy's .npy writer; the protobuf library encoding a Caffe BlobProto
/// built from its field definitions), centre-cropped 256 → 227 at offset 14.
/// </summary>
public class MeanImageFileTests
{
    const string Script = """
        import sys, numpy as np
        from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
        out = sys.argv[1]
        mean = (np.arange(3 * 256 * 256, dtype=np.float64).reshape(3, 256, 256) % 997) / 3.0
        np.save(out + '/mean32.npy', mean.astype(np.float32)); np.save(out + '/mean64.npy', mean)
        F = descriptor_pb2.FieldDescriptorProto
        fd = descriptor_pb2.FileDescriptorProto(name='blob.proto', package='caffe', syntax='proto2')
        shape = fd.message_type.add(name='BlobShape')
        d = shape.field.add(name='dim', number=1, type=F.TYPE_INT64, label=F.LABEL_REPEATED); d.options.packed = True
        blob = fd.message_type.add(name='BlobProto')
        blob.field.add(name='shape', number=7, type=F.TYPE_MESSAGE, type_name='.caffe.BlobShape', label=F.LABEL_OPTIONAL)
        x = blob.field.add(name='data', number=5, type=F.TYPE_FLOAT, label=F.LABEL_REPEATED); x.options.packed = True
        for i, n in enumerate(['num', 'channels', 'height', 'width']):
            blob.field.add(name=n, number=i + 1, type=F.TYPE_INT32, label=F.LABEL_OPTIONAL)
        pool = descriptor_pool.DescriptorPool(); pool.Add(fd)
        Blob = message_factory.MessageFactory(pool).GetPrototype(pool.FindMessageTypeByName('caffe.BlobProto'))
        legacy = Blob(num=1, channels=3, height=256, width=256); legacy.data.extend(mean.astype(np.float32).ravel().tolist())
        open(out + '/legacy.binaryproto', 'wb').write(legacy.SerializeToString())
        modern = Blob(); modern.shape.dim.extend([1, 3, 256, 256]); modern.data.extend(mean.astype(np.float32).ravel().tolist())
        open(out + '/shape.binaryproto', 'wb').write(modern.SerializeToString())
        """;

    [References.NeedsFact(References.ExternalReference.Python, "numpy", "google.protobuf")]
    public void Npy_and_binaryproto_means_load_and_crop_at_offset_14()
    {
        using var dir = new TempDir();
        var script = dir.Combine("write.py");
        File.WriteAllText(script, Script);
        using (var p = Process.Start(new ProcessStartInfo(OpenCv.Python, [script, dir.Path]) { RedirectStandardError = true })!)
        {
            var err = p.StandardError.ReadToEnd();
            p.WaitForExit();
            Assert.True(p.ExitCode == 0, err);
        }
        static float Expected(int c, int y, int x) => (float)((((c * 256 + y + 14) * 256 + x + 14) % 997) / 3.0);
        foreach (var name in new[] { "mean32.npy", "mean64.npy", "legacy.binaryproto", "shape.binaryproto" })
        {
            var mean = MeanImageFile.Load(dir.Combine(name), 227);
            Assert.Equal(227, mean.Size);
            foreach (var (c, y, x) in new[] { (0, 0, 0), (1, 100, 7), (2, 226, 226) })
                Assert.Equal(Expected(c, y, x), mean.Values[(c * 227 + y) * 227 + x], 1e-4f);
        }
    }

    [Fact]
    public void Bad_mean_files_are_clear_errors()
    {
        using var dir = new TempDir();
        var junk = dir.Combine("mean.npy");
        File.WriteAllBytes(junk, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
        Assert.StartsWith(junk + ": ", Assert.Throws<LayerProbeException>(() => MeanImageFile.Load(junk, 227)).Message);
        var proto = dir.Combine("mean.binaryproto");
        File.WriteAllBytes(proto, [0x08, 0x01, 0x10, 0x03]); // num 1, channels 3, no data
        Assert.Contains("holds 0 floats", Assert.Throws<LayerProbeException>(() => MeanImageFile.Load(proto, 227)).Message);
    }
}
