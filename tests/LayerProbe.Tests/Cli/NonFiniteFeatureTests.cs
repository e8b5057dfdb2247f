using LayerProbe.Analyses;
using LayerProbe.Features;
using LayerProbe.Probes;
using TempDir = LayerProbe.Tests.Data.TempDir;

namespace LayerProbe.Tests.Cli;

/// <summary>
/// A NaN, an infinity or a value too large to square in float, stored in a complete store, is refused by every reader
/// with the item and the dimension named: the analysis verbs through the CLI (child processes), the probe in-process.
/// </summary>
public class NonFiniteFeatureTests
{
    /// <summary>A complete 6-item store of shape 2×2×2 (8 dims) whose item 4, dimension 5 holds <paramref name="bad"/>.</summary>
    static string Store(TempDir tmp, string name, float bad)
    {
        string dir = tmp.Combine(name);
        var manifest = new FeatureManifest
        {
            ModelPath = "m.onnx", ModelSha256 = "00", DataName = "synthetic", DataFingerprint = "f", Preprocessing = "p", LayerAlias = "pool5",
            LayerValue = "pool5", Shape = [2, 2, 2], DType = "float32", Key = name, FormatVersion = 1, ToolVersion = "t",
            DotNetVersion = "n", OnnxRuntimeVersion = "o", Created = "c", Rows = 0, Complete = false,
        };
        var values = Enumerable.Range(0, 48).Select(i => (float)(i % 7)).ToArray();
        values[4 * 8 + 5] = bad;
        using (var w = FeatureStoreWriter.OpenOrCreate(dir, FeatureMatrixHeader.ForShape(FeatureDType.Float32, 6, [2, 2, 2]), manifest, keepNonFinite: true))
        {
            w.Append(values, Enumerable.Range(0, 6).Select(i => $"item{i}").ToArray());
            w.Commit();
            w.Complete();
        }
        File.WriteAllLines(tmp.Combine("labels.csv"), Enumerable.Range(0, 6).Select(i => $"item{i},{(i % 2 == 0 ? "a" : "b")}"));
        return dir;
    }

    public static TheoryData<string, float, string> Cases() => new()
    {
        { "cka", float.NaN, "a non-finite value (NaN) at dimension 5" },
        { "entropy", float.PositiveInfinity, "a non-finite value (Infinity) at dimension 5" },
        { "transform", float.NaN, "a non-finite value (NaN) at dimension 5" }, // binarize turned it into 0 in a "complete" store
        { "grandmother", float.NegativeInfinity, "a non-finite value (-Infinity) at dimension 5" },
        { "heads", 3e38f, "the value 3.00000001E+38 at dimension 5, beyond ±6.52E+18, where sums over its 8 dimensions overflow" },
        { "cka", 3e38f, "the value 3.00000001E+38 at dimension 5" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Every_analysis_verb_refuses_the_value_naming_item_and_dimension(string verb, float bad, string problem)
    {
        using var tmp = new TempDir();
        string store = Store(tmp, "s", bad), labels = tmp.Combine("labels.csv"), output = tmp.Combine("out");
        string[] args = verb switch
        {
            "cka" => ["cka", "--stores", $"a={store},b={store}", "--out", output],
            "entropy" => ["entropy", "--stores", store, "--labels", labels, "--out", output],
            "transform" => ["transform", "--store", store, "--transform", "binarize", "--out", output],
            "grandmother" => ["grandmother", "--trainval-store", store, "--test-store", store, "--labels", labels, "--out", output],
            _ => ["heads", "--trainval-store", store, "--test-store", store, "--labels", labels, "--out", output],
        };
        var (code, _, err) = CliProcess.Run(args);
        var line = Assert.Single(CliProcess.ErrorLines(err));
        Assert.Equal(2, code);
        Assert.StartsWith($"layerprobe: {store}: item 'item4' has {problem}", line);
        if (verb == "transform") Assert.True(!Directory.Exists(output) || Directory.GetDirectories(output).Length == 0, "no transformed store");
    }

    [Fact]
    public void A_huge_finite_value_is_refused_before_the_probe_instead_of_a_chance_level_report()
    {
        using var tmp = new TempDir();
        using var matrix = FeatureMatrix.Open(Store(tmp, "s", 3e38f));
        var e = Assert.Throws<LayerProbeException>(() => StoredFeatureChecks.AllFinite(new StoredFeatureRows(matrix), "s"));
        Assert.Equal("s: item 'item4' has the value 3.00000001E+38 at dimension 5, beyond ±6.52E+18, where sums over its 8 dimensions overflow", e.Message);
        // The limit is exactly where a float dot product of two rows stays finite.
        float limit = StoredFeatureChecks.MagnitudeLimit(8);
        Assert.True(float.IsFinite(8 * limit * limit));
        Assert.False(float.IsFinite(8 * (limit * 1.001f) * (limit * 1.001f)));
    }

    sealed class Rows(float[][] rows) : IFeatureRows
    {
        public int Count => rows.Length;
        public int Dimensions => rows[0].Length;
        public ReadOnlySpan<float> Row(int i) => rows[i];
    }

    [Fact]
    public void Feature_scaling_sums_in_double()
    {
        // Rows (3e18, 4e18) and (0, 1e18): norms 5e18 and 1e18, whose squares overflow float; mean 3e18, factor 20/3e18.
        var scaling = FeatureScaling.Estimate(new Rows([[3e18f, 4e18f], [0, 1e18f]]));
        Assert.Equal(3e18, scaling.MeanNorm, 3e18 * 1e-6);
        Assert.Equal(20 / 3e18, scaling.Factor, 20 / 3e18 * 1e-6);
        // Ordinary rows: the same as a hand computation. (3,4) and (0,1): mean norm 3, factor 20/3.
        var small = FeatureScaling.Estimate(new Rows([[3f, 4f], [0f, 1f]]));
        Assert.Equal(3.0, small.MeanNorm, 12);
        Assert.Equal(20.0 / 3, small.Factor, 12);
    }
}
