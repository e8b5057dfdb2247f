using LayerProbe.Features;

namespace LayerProbe.Tests.Features;

public class FeatureExtractorTests
{
    static readonly string[] Layers = ["pool1", "relu2", "pool5", "fc6"];
    static readonly string[] StoreFiles = [FeatureStoreFiles.Matrix, FeatureStoreFiles.Ids];

    static ExtractionOptions Options(int batch = 4, FeatureDType dtype = FeatureDType.Float32) =>
        new() { BatchSize = batch, DType = dtype, CommitInterval = TimeSpan.Zero, IntraOpThreads = 1 };

    static Dictionary<string, byte[]> StoreBytes(ExtractionResult result) =>
        result.Stores.SelectMany(s => StoreFiles.Select(f => (Key: $"{s.Layer}/{f}", Bytes: File.ReadAllBytes(Path.Combine(s.Directory, f)))))
            .ToDictionary(p => p.Key, p => p.Bytes);

    [Fact]
    public void Stores_every_layer_with_ids_shapes_and_a_manifest()
    {
        using var tmp = new TempDir();
        var network = TinyNetwork.Load(tmp.Path);
        var items = new RandomImageSet(11);
        var progress = new RecordingProgress();
        var result = FeatureExtractor.Run(network, items, new NearestResize(TinyNetwork.Size), Layers, tmp.Sub("out"), Options(), progress);

        Assert.Equal(0, result.ResumedFrom);
        Assert.Equal(11, result.Extracted);
        Assert.Equal([4, 8, 8], result.Stores[0].Shape);
        Assert.Equal([8, 8, 8], result.Stores[1].Shape);
        Assert.Equal([8, 1, 1], result.Stores[2].Shape);
        Assert.Equal([5], result.Stores[3].Shape);
        Assert.Equal([4, 8, 11], progress.Reports.Select(r => r.Done).ToArray());
        foreach (var store in result.Stores)
        {
            Assert.True(FeatureStoreFiles.IsComplete(store.Directory));
            using var m = FeatureMatrix.Open(store.Directory);
            Assert.Equal(11, m.RowCount);
            Assert.Equal(Enumerable.Range(0, 11).Select(items.Id), m.Ids);
            var manifest = FeatureManifest.Read(Path.Combine(store.Directory, FeatureStoreFiles.Manifest));
            Assert.Equal(network.Sha256, manifest.ModelSha256);
            Assert.Equal(Path.GetFullPath(network.Path), manifest.ModelPath);
            Assert.Equal(items.Name, manifest.DataName);
            Assert.Equal(items.Fingerprint, manifest.DataFingerprint);
            Assert.Equal(new NearestResize(TinyNetwork.Size).Description, manifest.Preprocessing);
            Assert.Equal(store.Layer, manifest.LayerAlias);
            Assert.Equal(store.Value, manifest.LayerValue);
            Assert.Equal(store.Shape, manifest.Shape);
            Assert.Equal("float32", manifest.DType);
            Assert.Equal(store.Key.Hash, manifest.Key);
            Assert.True(manifest.Complete);
            Assert.Equal(11, manifest.Rows);
            Assert.Equal(Environment.Version.ToString(), manifest.DotNetVersion);
            Assert.Matches(@"^\d+\.\d+", manifest.OnnxRuntimeVersion);
            Assert.True(DateTime.TryParse(manifest.Created, out _));
        }
        // pool5 is the global average of relu2: an independent check that rows are the right items' activations.
        using var relu2 = FeatureMatrix.Open(result.Stores[1].Directory);
        using var pool5 = FeatureMatrix.Open(result.Stores[2].Directory);
        for (int r = 0; r < 11; r++)
        for (int c = 0; c < 8; c++)
        {
            float mean = 0;
            for (int k = 0; k < 64; k++) mean += relu2.Row(r)[c * 64 + k];
            Assert.Equal(mean / 64, pool5.Row(r)[c], 5);
        }
    }

    [Fact]
    public void A_finished_extraction_is_reused_and_a_changed_input_gets_a_new_store()
    {
        using var tmp = new TempDir();
        var network = TinyNetwork.Load(tmp.Path);
        string out_ = tmp.Sub("out");
        var first = FeatureExtractor.Run(network, new RandomImageSet(5), new NearestResize(TinyNetwork.Size), ["pool5"], out_, Options());
        var items = new RandomImageSet(5);
        var again = FeatureExtractor.Run(network, items, new NearestResize(TinyNetwork.Size), ["pool5"], out_, Options());
        Assert.Equal(0, items.Loads);
        Assert.Equal(0, again.Extracted);
        Assert.Equal(first.Stores[0].Directory, again.Stores[0].Directory);

        var dirs = new HashSet<string> { first.Stores[0].Directory };
        Assert.True(dirs.Add(FeatureExtractor.Run(network, new RandomImageSet(5, seed: 2), new NearestResize(TinyNetwork.Size), ["pool5"], out_, Options()).Stores[0].Directory));
        Assert.True(dirs.Add(FeatureExtractor.Run(network, new RandomImageSet(5), new NearestResize(TinyNetwork.Size, 0.5f / 255), ["pool5"], out_, Options()).Stores[0].Directory));
        Assert.True(dirs.Add(FeatureExtractor.Run(TinyNetwork.Load(tmp.Path, seed: 4), new RandomImageSet(5), new NearestResize(TinyNetwork.Size), ["pool5"], out_, Options()).Stores[0].Directory));
        Assert.True(dirs.Add(FeatureExtractor.Run(network, new RandomImageSet(5), new NearestResize(TinyNetwork.Size), ["pool5"], out_, Options(dtype: FeatureDType.Float16)).Stores[0].Directory));
        Assert.Equal(5, Directory.GetDirectories(out_).Length);
    }

    [Theory]
    [InlineData(FeatureDType.Float32, 11)]
    [InlineData(FeatureDType.Float32, 12)]
    [InlineData(FeatureDType.Float16, 13)]
    public void Cancelling_after_a_random_batch_then_resuming_gives_byte_identical_stores(FeatureDType dtype, int seed)
    {
        using var tmp = new TempDir();
        var network = TinyNetwork.Load(tmp.Path);
        var pre = new NearestResize(TinyNetwork.Size);
        var clean = StoreBytes(FeatureExtractor.Run(network, new RandomImageSet(23), pre, Layers, tmp.Sub("clean"), Options(3, dtype)));

        var random = new Random(seed);
        string out_ = tmp.Sub("killed");
        int cancels = 0;
        ExtractionResult? result = null;
        while (result is null)
        {
            using var cts = new CancellationTokenSource();
            int stopAfter = random.Next(1, 4);
            var progress = new RecordingProgress((_, batches) => { if (batches == stopAfter) cts.Cancel(); });
            try { result = FeatureExtractor.Run(network, new RandomImageSet(23), pre, Layers, out_, Options(3, dtype), progress, cts.Token); }
            catch (OperationCanceledException) { cancels++; }
            Assert.True(cancels < 20);
        }
        Assert.True(cancels >= 2, $"only {cancels} interruptions");
        Assert.True(result.ResumedFrom > 0);
        Assert.Equal(clean, StoreBytes(result));
    }

    [Fact]
    public void A_torn_uncommitted_chunk_in_the_files_is_cut_off_on_resume()
    {
        using var tmp = new TempDir();
        var network = TinyNetwork.Load(tmp.Path);
        var pre = new NearestResize(TinyNetwork.Size);
        var clean = StoreBytes(FeatureExtractor.Run(network, new RandomImageSet(10), pre, Layers, tmp.Sub("clean"), Options()));

        string out_ = tmp.Sub("torn");
        using (var cts = new CancellationTokenSource())
        {
            var progress = new RecordingProgress((_, batches) => { if (batches == 1) cts.Cancel(); });
            Assert.ThrowsAny<OperationCanceledException>(() => FeatureExtractor.Run(network, new RandomImageSet(10), pre, Layers, out_, Options(), progress, cts.Token));
        }
        foreach (var dir in Directory.GetDirectories(out_))
        {
            using (var m = FeatureMatrix.Open(dir, allowPartial: true)) Assert.Equal(4, m.RowCount);
            using (var f = new FileStream(Path.Combine(dir, FeatureStoreFiles.Matrix), FileMode.Append))
                f.Write(Enumerable.Repeat((byte)0xAB, 1000).ToArray());
            File.AppendAllText(Path.Combine(dir, FeatureStoreFiles.Ids), "img0004\nimg00");
        }
        var items = new RandomImageSet(10);
        var result = FeatureExtractor.Run(network, items, pre, Layers, out_, Options());
        Assert.Equal(4, result.ResumedFrom);
        Assert.Equal(6, items.Loads);
        Assert.Equal(clean, StoreBytes(result));
    }

    [Fact]
    public void Batch_one_gives_the_same_features_as_batches()
    {
        using var tmp = new TempDir();
        var network = TinyNetwork.Load(tmp.Path);
        var pre = new NearestResize(TinyNetwork.Size);
        var one = FeatureExtractor.Run(network, new RandomImageSet(5), pre, ["relu2", "fc6"], tmp.Sub("b1"), Options(batch: 1));
        var four = FeatureExtractor.Run(network, new RandomImageSet(5), pre, ["relu2", "fc6"], tmp.Sub("b4"), Options(batch: 4));
        for (int l = 0; l < 2; l++)
        {
            using var a = FeatureMatrix.Open(one.Stores[l].Directory);
            using var b = FeatureMatrix.Open(four.Stores[l].Directory);
            for (int r = 0; r < 5; r++)
            {
                var x = a.Row(r).ToArray();
                var y = b.Row(r).ToArray();
                Assert.All(x.Zip(y), p => Assert.Equal(p.First, p.Second, 1e-5f));
            }
        }
    }

    [Fact]
    public void Export_npy_writes_one_file_per_store()
    {
        using var tmp = new TempDir();
        var network = TinyNetwork.Load(tmp.Path);
        var result = FeatureExtractor.Run(network, new RandomImageSet(3), new NearestResize(TinyNetwork.Size), ["pool5", "fc6"], tmp.Sub("out"),
            Options() with { ExportNpy = true });
        foreach (var s in result.Stores)
        {
            var bytes = File.ReadAllBytes(Path.Combine(s.Directory, FeatureStoreFiles.Npy));
            int cols = s.Shape.Aggregate(1, (a, b) => a * b);
            Assert.Contains($"'shape': (3, {cols})", System.Text.Encoding.ASCII.GetString(bytes, 10, 100));
        }
    }

    [Fact]
    public void An_unknown_layer_fails_with_one_line_before_anything_is_written()
    {
        using var tmp = new TempDir();
        var network = TinyNetwork.Load(tmp.Path);
        var e = Assert.Throws<LayerProbeException>(() =>
            FeatureExtractor.Run(network, new RandomImageSet(3), new NearestResize(TinyNetwork.Size), ["pool5", "conv9"], tmp.Sub("out"), Options()));
        Assert.Contains("unknown layer 'conv9'", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.False(Directory.Exists(tmp.Sub("out")));
    }

    [Fact]
    public void An_unwritable_output_directory_fails_with_one_line_and_writes_nothing()
    {
        using var tmp = new TempDir();
        var network = TinyNetwork.Load(tmp.Path);
        string blocker = tmp.Sub("a-file");
        File.WriteAllText(blocker, "not a directory");
        string out_ = Path.Combine(blocker, "features");
        var before = Directory.GetFileSystemEntries(tmp.Path, "*", SearchOption.AllDirectories).Order().ToArray();
        var e = Assert.Throws<LayerProbeException>(() =>
            FeatureExtractor.Run(network, new RandomImageSet(3), new NearestResize(TinyNetwork.Size), ["pool5"], out_, Options()));
        Assert.StartsWith(out_ + ": ", e.Message);
        Assert.Equal(before, Directory.GetFileSystemEntries(tmp.Path, "*", SearchOption.AllDirectories).Order().ToArray());
        Assert.Equal("not a directory", File.ReadAllText(blocker));
    }

    [Fact]
    public void A_preprocessor_of_the_wrong_size_is_a_user_error()
    {
        using var tmp = new TempDir();
        var network = OnnxNetworkWithFixedInput(tmp);
        var e = Assert.Throws<LayerProbeException>(() =>
            FeatureExtractor.Run(network, new RandomImageSet(2), new NearestResize(20), ["pool5"], tmp.Sub("out"), Options()));
        Assert.Contains("224x224", e.Message);
    }

    static LayerProbe.Networks.OnnxNetwork OnnxNetworkWithFixedInput(TempDir tmp) => LayerProbe.Networks.OnnxNetwork.Load(LayerProbe.Networks.ModelCatalog.ResNet18ImageNet);
}
