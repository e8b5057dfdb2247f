using LayerProbe.Features;
using LayerProbe.Networks;

namespace LayerProbe.Tests.Features;

/// <summary>
/// Feeding ONNX Runtime through an I/O binding with tensors made once per buffer position, and preprocessing on
/// several threads, must not change a byte of the stores: compared with the per-call <c>Run</c> on one preprocessing
/// thread (the pipeline before these changes), over batches whose rows start at changing offsets in the disk blocks
/// and a short last batch.
/// </summary>
public class InferenceFeedTests
{
    static readonly string[] Layers = ["conv1", "pool1", "relu2", "pool5", "fc6"];

    static Dictionary<string, byte[]> Extract(string output, ExtractionOptions options)
    {
        var network = TinyNetwork.Load(Path.GetDirectoryName(output)!);
        var result = FeatureExtractor.Run(network, new RandomImageSet(23, seed: 4), new NearestResize(TinyNetwork.Size), Layers, output, options);
        Assert.Equal(23, result.Extracted);
        return result.Stores.SelectMany(s => new[] { FeatureStoreFiles.Matrix, FeatureStoreFiles.Ids }
                .Select(f => (Key: $"{Path.GetFileName(s.Directory)}/{f}", Bytes: File.ReadAllBytes(Path.Combine(s.Directory, f)))))
            .ToDictionary(p => p.Key, p => p.Bytes);
    }

    [Theory]
    [InlineData(FeatureDType.Float32, 4)]
    [InlineData(FeatureDType.Float16, 5)]
    public void Bound_tensors_and_parallel_preprocessing_write_the_bytes_of_a_plain_run(FeatureDType dtype, int batch)
    {
        using var tmp = new TempDir();
        var baseline = new ExtractionOptions { BatchSize = batch, DType = dtype, CommitInterval = TimeSpan.Zero, IntraOpThreads = 1 };
        var plain = Extract(tmp.Sub("plain"), baseline with { BindIo = false, PreprocessThreads = 1 });
        var bound = Extract(tmp.Sub("bound"), baseline with { BindIo = true, PreprocessThreads = 1 });
        var threaded = Extract(tmp.Sub("threaded"), baseline with { BindIo = true, PreprocessThreads = 3 });

        Assert.Equal(Layers.Length * 2, plain.Count);
        Assert.Contains(plain, p => p.Key.EndsWith(FeatureStoreFiles.Matrix) && p.Value.Skip(FeatureMatrixHeader.Size).Any(v => v != 0));
        foreach (var (name, bytes) in plain)
        {
            Assert.True(bytes.AsSpan().SequenceEqual(bound[name]), $"{name}: I/O binding changed the bytes");
            Assert.True(bytes.AsSpan().SequenceEqual(threaded[name]), $"{name}: 3 preprocessing threads changed the bytes");
        }
    }

    [Fact]
    public void Preprocessing_threads_default_to_one_on_the_cpu_and_every_core_on_cuda()
    {
        Assert.Equal(1, new ExtractionOptions().ResolvedPreprocessThreads);
        Assert.Equal(Environment.ProcessorCount, new ExtractionOptions { Device = new ExecutionDevice(0) }.ResolvedPreprocessThreads);
        Assert.Equal(3, new ExtractionOptions { Device = new ExecutionDevice(0), PreprocessThreads = 3 }.ResolvedPreprocessThreads);
    }

    [Fact]
    public void Buffers_are_pinned_only_where_the_cuda_runtime_is()
    {
        using var buffer = new BlockAlignedRows(10_000);
        Assert.Equal(CudaHostMemory.Available, buffer.PinForCuda());
        // pinned or not, the buffer is written and read as before
        var place = buffer.Place(64, 100);
        place.Span.Fill(2.5f);
        Assert.All(buffer.Values.ToArray(), v => Assert.Equal(2.5f, v));
    }
}
