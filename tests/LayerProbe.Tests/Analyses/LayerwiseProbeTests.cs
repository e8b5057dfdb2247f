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

    static string Json(LayerProbeResult r, bool withSeconds = true) =>
        System.Text.Json.JsonSerializer.Serialize(withSeconds ? r : r with { Seconds = 0 }, new System.Text.Json.JsonSerializerOptions
        {
            IncludeFields = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
        });

    [Fact]
    public void A_kept_result_is_reused_on_a_rerun_and_equals_a_fresh_one()
    {
        var (split, train, test) = Setup(Enumerable.Range(0, 60).Select(i => i % 2).ToArray()); // class c skipped: the note survives too
        var first = LayerwiseProbe.ProbeLayer("pool5", train, test, split, new ProbeSettings());
        var cache = ProbeResultCache.For("pool5", train.Directory, test.Directory, [8], split, new ProbeSettings())!;
        Assert.True(File.Exists(cache.Path));
        Assert.Equal(Path.Combine(Path.GetDirectoryName(train.Directory)!, "probe-results"), Path.GetDirectoryName(cache.Path));

        var log = new StringWriter();
        var again = LayerwiseProbe.ProbeLayer("pool5", train, test, split, new ProbeSettings(), log);
        Assert.Equal($"probe pool5      reused the result kept in {cache.Path}", log.ToString().Trim());
        Assert.Equal(Json(first), Json(again)); // every field, to the last bit of every double (Seconds: the original run's)
        Assert.Equal(["c"], again.Mean.SkippedClasses);

        // it is read from the file, not recomputed: an edit of the kept time shows through
        File.WriteAllText(cache.Path, File.ReadAllText(cache.Path).Replace($"\"Seconds\":{first.Seconds.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}", "\"Seconds\":12345"));
        Assert.Equal(12345, LayerwiseProbe.ProbeLayer("pool5", train, test, split, new ProbeSettings()).Seconds);

        // and equals what probing afresh gives
        File.Delete(cache.Path);
        var fresh = LayerwiseProbe.ProbeLayer("pool5", train, test, split, new ProbeSettings());
        Assert.Equal(Json(first, withSeconds: false), Json(fresh, withSeconds: false));
    }

    [Fact]
    public void A_changed_c_grid_store_label_or_fit_split_probes_again()
    {
        var classes = Cycle(60, 3);
        var (split, train, test) = Setup(classes);
        var settings = new ProbeSettings();
        LayerwiseProbe.ProbeLayer("pool5", train, test, split, settings);
        string Key(ProbeSplit s, ProbeSettings p, LayerStore tr, LayerStore te) => ProbeResultCache.For("pool5", tr.Directory, te.Directory, [8], s, p)!.Key;
        string original = Key(split, settings, train, test);
        Assert.Equal(original, Key(ProbeSplit.HalvesPerClass(new LabelledIds("trainval", classes), new LabelledIds("test", Cycle(30, 3))), new ProbeSettings(), train, test));

        var grid = settings with { CGrid = [1e-3] };
        var svm = settings with { Svm = settings.Svm with { PositiveWeight = 2 } };
        var relabelled = split with { Test = new LabelledIds("test", Cycle(30, 3).Select(c => (c + 1) % 3).ToArray()) }; // same ids, other labels
        var refit = split with { Train = split.Validation, Validation = split.Train };
        var (_, otherTrain, _) = Setup(classes); // another store (another content key)
        string[] changed = [Key(split, grid, train, test), Key(split, svm, train, test), Key(relabelled, settings, train, test), Key(refit, settings, train, test), Key(split, settings, otherTrain, test)];
        Assert.Equal(changed.Length + 1, changed.Append(original).Distinct().Count());

        var log = new StringWriter();
        var regridded = LayerwiseProbe.ProbeLayer("pool5", train, test, split, grid, log);
        Assert.DoesNotContain("reused", log.ToString());
        Assert.Equal([1e-3], regridded.Training.Grid.Select(g => g.C));
        var relabelledResult = LayerwiseProbe.ProbeLayer("pool5", train, test, relabelled, settings, log);
        Assert.DoesNotContain("reused", log.ToString());
        Assert.True(relabelledResult.Mean.ElevenPoint < 0.5, $"{relabelledResult.Mean.ElevenPoint}"); // labels moved one class on: the probes (mAP 1 before) rank the wrong items
    }

    [Fact]
    public void A_corrupt_kept_result_is_ignored_with_a_warning_and_rewritten()
    {
        var (split, train, test) = Setup(Cycle(60, 3));
        var fresh = LayerwiseProbe.ProbeLayer("pool5", train, test, split, new ProbeSettings());
        var cache = ProbeResultCache.For("pool5", train.Directory, test.Directory, [8], split, new ProbeSettings())!;
        string good = File.ReadAllText(cache.Path);
        foreach (var bad in new[] { good[..(good.Length / 2)], "", "{}", good.Replace(cache.Key, new string('0', 64)), good.Replace("\"Layer\":\"pool5\"", "\"Layer\":\"fc7\"") })
        {
            File.WriteAllText(cache.Path, bad);
            var log = new StringWriter();
            var result = LayerwiseProbe.ProbeLayer("pool5", train, test, split, new ProbeSettings(), log);
            Assert.StartsWith($"layerprobe: warning: {cache.Path}: ignored a kept probe result that cannot be read (", log.ToString());
            Assert.EndsWith("); probing again and rewriting it", log.ToString().Split('\n')[0]);
            Assert.Equal(Json(fresh, withSeconds: false), Json(result, withSeconds: false));
            var reread = new StringWriter();
            LayerwiseProbe.ProbeLayer("pool5", train, test, split, new ProbeSettings(), reread);
            Assert.Contains("reused the result kept in", reread.ToString()); // rewritten whole
        }
    }
}
