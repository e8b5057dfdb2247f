using LayerProbe.Analyses;
using LayerProbe.Data;
using LayerProbe.Features;

namespace LayerProbe.Tests.Analyses;

/// <summary>The layer-wise probe on hand-made stores: real numbers when the data are clean, one clear line when not.</summary>
public class LayerwiseProbeTests
{
    static readonly string[] Classes = ["a", "b", "c"];

    /// <summary>Labelled items that are never decoded (the stores are written by hand).</summary>
    sealed class LabelledIds(string name, int[] classOf) : ILabelledItemSet
    {
        public string Name => name;
        public int Count => classOf.Length;
        public string Fingerprint => name;
        public ItemLabels Labels { get; } = ItemLabels.SingleLabel(Classes, classOf);
        public string Id(int index) => $"{name}/{index}";
        public (RgbImage Image, PixelBox? Region) Load(int index) => throw new InvalidOperationException("not decoded in these tests");
    }

    /// <summary>Class k lights up dimension k (plus seeded noise): linearly separable.</summary>
    static float[] Features(int[] classOf, int dims, int seed)
    {
        var random = new Random(seed);
        var x = new float[classOf.Length * dims];
        for (int i = 0; i < classOf.Length; i++)
        {
            for (int d = 0; d < dims; d++) x[i * dims + d] = (float)random.NextDouble() * 0.2f;
            x[i * dims + classOf[i]] += 2f;
        }
        return x;
    }

    static LayerStore Store(string dir, IItemSet items, float[] values, int dims)
    {
        var manifest = new FeatureManifest
        {
            ModelPath = "m.onnx", ModelSha256 = "00", DataName = items.Name, DataFingerprint = items.Fingerprint, Preprocessing = "p",
            LayerAlias = "pool5", LayerValue = "pool5", Shape = [dims], DType = "float32", Key = dir, FormatVersion = 1,
            ToolVersion = "t", DotNetVersion = "n", OnnxRuntimeVersion = "o", Created = "c", Rows = 0, Complete = false,
        };
        // keepNonFinite: one test stores a NaN on purpose, to see the probe refuse it
        using (var writer = FeatureStoreWriter.OpenOrCreate(dir, FeatureMatrixHeader.ForShape(FeatureDType.Float32, items.Count, [dims]), manifest, keepNonFinite: true))
        {
            writer.Append(values, Enumerable.Range(0, items.Count).Select(items.Id).ToList());
            writer.Commit();
            writer.Complete();
        }
        return new LayerStore("pool5", "pool5", dir, null!, [dims]);
    }

    static int[] Cycle(int n, int classes) => Enumerable.Range(0, n).Select(i => i % classes).ToArray();

    static (ProbeSplit Split, LayerStore Train, LayerStore Test) Setup(int[] trainClasses, float[]? trainValues = null, string? testName = null)
    {
        string root = Directory.CreateTempSubdirectory("probe").FullName;
        var trainVal = new LabelledIds("trainval", trainClasses);
        var test = new LabelledIds("test", Cycle(30, 3));
        var train = Store(Path.Combine(root, "train"), trainVal, trainValues ?? Features(trainClasses, 8, 1), 8);
        var testStore = Store(Path.Combine(root, "test"), testName is null ? test : new LabelledIds(testName, Cycle(30, 3)), Features(Cycle(30, 3), 8, 2), 8);
        return (ProbeSplit.HalvesPerClass(trainVal, test), train, testStore);
    }

    [Fact]
    public void Separable_classes_are_ranked_perfectly()
    {
        var (split, train, test) = Setup(Cycle(60, 3));
        var result = LayerwiseProbe.ProbeLayer("pool5", train, test, split, new ProbeSettings());
        Assert.All(result.PerClass, c => Assert.Equal(1.0, c.Ap.ElevenPoint, 9));
        Assert.Equal(1.0, result.Mean.ElevenPoint, 9);
        Assert.Empty(result.Mean.SkippedClasses);
        Assert.Contains(result.Training.ChosenC, result.Training.Grid.Select(g => g.C));
    }

    [Fact]
    public void Mismatched_item_ids_are_a_clear_error()
    {
        var (split, train, test) = Setup(Cycle(60, 3), testName: "other");
        var e = Assert.Throws<LayerProbeException>(() => LayerwiseProbe.ProbeLayer("pool5", train, test, split, new ProbeSettings()));
        Assert.Contains("mismatched item ids", e.Message);
        Assert.StartsWith(test.Directory, e.Message);
    }

    [Fact]
    public void Non_finite_features_are_a_clear_error_naming_the_item()
    {
        var classes = Cycle(60, 3);
        var values = Features(classes, 8, 1);
        values[5 * 8 + 3] = float.NaN;
        var (split, train, test) = Setup(classes, values);
        var e = Assert.Throws<LayerProbeException>(() => LayerwiseProbe.ProbeLayer("pool5", train, test, split, new ProbeSettings()));
        Assert.Contains("'trainval/5'", e.Message);
        Assert.Contains("non-finite", e.Message);
    }

    [Fact]
    public void A_class_without_training_positives_is_reported_as_skipped_not_averaged()
    {
        var classes = Enumerable.Range(0, 60).Select(i => i % 2).ToArray();  // class "c" never occurs in trainval
        var (split, train, test) = Setup(classes);
        var result = LayerwiseProbe.ProbeLayer("pool5", train, test, split, new ProbeSettings());
        Assert.Equal(["c"], result.Mean.SkippedClasses);
        Assert.False(result.PerClass[2].Ap.IsValid);
        Assert.Equal(2, result.Mean.ValidClasses);
    }
}
