using LayerProbe.Data;
using LayerProbe.Features;

namespace LayerProbe.Tests.Features;

/// <summary>Complete stores stay untouched when layers are added; non-finite activations never reach a complete store.</summary>
public class StoreSafetyTests
{
    static ExtractionOptions Options(bool keepNonFinite = false, FeatureDType dtype = FeatureDType.Float32) =>
        new() { BatchSize = 3, CommitInterval = TimeSpan.Zero, IntraOpThreads = 1, KeepNonFinite = keepNonFinite, DType = dtype };

    static Dictionary<string, (byte[] Bytes, DateTime Modified)> Snapshot(string directory) =>
        Directory.GetFiles(directory).ToDictionary(f => Path.GetFileName(f), f => (File.ReadAllBytes(f), File.GetLastWriteTimeUtc(f)));

    [Fact]
    public void Adding_layers_leaves_complete_stores_untouched_and_extracts_only_the_missing_ones()
    {
        using var tmp = new TempDir();
        var network = TinyNetwork.Load(tmp.Path);
        var pre = new NearestResize(TinyNetwork.Size);
        string out_ = tmp.Sub("out");
        var first = FeatureExtractor.Run(network, new RandomImageSet(10), pre, ["pool1", "pool5"], out_, Options());
        var before = first.Stores.ToDictionary(s => s.Layer, s => Snapshot(s.Directory));
        Thread.Sleep(20); // a rewrite would now show in the modification times

        var added = FeatureExtractor.Run(network, new RandomImageSet(10), pre, ["fc6", "pool1", "relu2", "pool5"], out_, Options());
        Assert.Equal(["fc6", "pool1", "relu2", "pool5"], added.Stores.Select(s => s.Layer));
        Assert.Equal(10, added.Extracted);
        foreach (var s in first.Stores)
        {
            var after = Snapshot(s.Directory);
            Assert.Equal(before[s.Layer].Keys.Order(), after.Keys.Order());
            foreach (var (file, (bytes, modified)) in before[s.Layer])
            {
                Assert.Equal(bytes, after[file].Bytes);
                Assert.Equal(modified, after[file].Modified);
            }
        }
        Assert.Equal([4, 8, 8], added.Stores[1].Shape); // read back from the complete store's manifest

        // the added stores are what a run of those layers alone writes
        var alone = FeatureExtractor.Run(network, new RandomImageSet(10), pre, ["fc6", "relu2"], tmp.Sub("alone"), Options());
        foreach (var (layer, store) in alone.Stores.Select(s => (s.Layer, s.Directory)))
        {
            string mine = added.Stores.Single(s => s.Layer == layer).Directory;
            foreach (var f in new[] { FeatureStoreFiles.Matrix, FeatureStoreFiles.Ids })
                Assert.Equal(File.ReadAllBytes(Path.Combine(store, f)), File.ReadAllBytes(Path.Combine(mine, f)));
        }
    }

    /// <summary>Puts +∞ into the first input value of every image <paramref name="width"/> pixels wide.</summary>
    sealed class InfinityForWidth(IPreprocessor inner, int width) : IPreprocessor
    {
        public int Channels => inner.Channels;
        public int Height => inner.Height;
        public int Width => inner.Width;
        public string Description => $"{inner.Description} +inf at width {width}";

        public void Fill(RgbImage image, PixelBox? region, Span<float> destination)
        {
            inner.Fill(image, region, destination);
            if (image.Width == width) destination[0] = float.PositiveInfinity;
        }
    }

    [Fact]
    public void A_non_finite_activation_stops_the_extraction_naming_item_and_layer_unless_kept()
    {
        using var tmp = new TempDir();
        var network = TinyNetwork.Load(tmp.Path);
        var items = new RandomImageSet(12);
        int poisoned = 7;
        int width = items.Load(poisoned).Image.Width;
        int first = Enumerable.Range(0, items.Count).First(i => items.Load(i).Image.Width == width);
        var pre = new InfinityForWidth(new NearestResize(TinyNetwork.Size), width);

        var e = Assert.Throws<LayerProbeException>(() => FeatureExtractor.Run(network, new RandomImageSet(12), pre, ["conv1", "fc6"], tmp.Sub("out"), Options()));
        Assert.Matches($"item {items.Id(first)}, layer (conv1|fc6): non-finite value (∞|-∞|NaN|Infinity|-Infinity) at dimension \\d+; the store is not marked complete", e.Message);
        foreach (var store in Directory.GetDirectories(tmp.Sub("out")))
        {
            Assert.False(FeatureStoreFiles.IsComplete(store));
            using var partial = FeatureMatrix.Open(store, allowPartial: true);
            Assert.Equal(first / 3 * 3, partial.RowCount); // the batches before it are committed
        }

        var kept = FeatureExtractor.Run(network, new RandomImageSet(12), pre, ["conv1", "fc6"], tmp.Sub("out"), Options(keepNonFinite: true));
        Assert.Equal(first / 3 * 3, kept.ResumedFrom);
        using var conv1 = FeatureMatrix.Open(kept.Stores[0].Directory);
        Assert.Contains(conv1.Row(first).ToArray(), v => !float.IsFinite(v));
        if (first > 0) Assert.All(conv1.Row(first - 1).ToArray(), v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public void A_float16_store_refuses_values_that_would_become_infinite()
    {
        using var tmp = new TempDir();
        var manifest = new FeatureManifest
        {
            ModelPath = "m", ModelSha256 = "0", DataName = "d", DataFingerprint = "f", Preprocessing = "p", LayerAlias = "fc7", LayerValue = "fc7",
            Shape = [2], DType = "float16", Key = "k", FormatVersion = 1, ToolVersion = "t", DotNetVersion = "n", OnnxRuntimeVersion = "o",
            Created = "c", Rows = 0, Complete = false,
        };
        using var w = FeatureStoreWriter.OpenOrCreate(tmp.Path, FeatureMatrixHeader.ForShape(FeatureDType.Float16, 3, [2]), manifest);
        w.Append([65504f, -65519.99f], ["a"]); // both round to ±65504
        var e = Assert.Throws<LayerProbeException>(() => w.Append([1f, 65520f], ["b"]));
        Assert.Contains("item b, layer fc7: value 65520 overflows float16 at dimension 1", e.Message);
        Assert.Equal(1, w.Rows);
        Assert.True(Half.IsInfinity((Half)65520f) && Half.IsFinite((Half)65519.99f)); // the boundary is the conversion's own
    }

    [Fact]
    public void The_vectorised_scan_finds_the_first_value_a_scalar_search_finds()
    {
        var random = new Random(5);
        float[] specials = [float.NaN, float.PositiveInfinity, float.NegativeInfinity];
        for (int trial = 0; trial < 500; trial++)
        {
            var values = Enumerable.Range(0, random.Next(0, 90)).Select(_ => (float)(random.NextDouble() * 2e5 - 1e5)).ToArray();
            for (int k = random.Next(0, 3); k > 0 && values.Length > 0; k--) values[random.Next(values.Length)] = specials[random.Next(3)];
            Assert.Equal(Array.FindIndex(values, v => !float.IsFinite(v)), FiniteValues.FirstOutside(values));
            Assert.Equal(Array.FindIndex(values, v => !(Math.Abs(v) < 65520f)), FiniteValues.FirstOutside(values, FiniteValues.HalfOverflow));
        }
    }
}
