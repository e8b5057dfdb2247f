using LayerProbe.Analyses;
using LayerProbe.Cli;
using LayerProbe.Features;
using LayerProbe.Tests.Data;

namespace LayerProbe.Tests.Analyses;

/// <summary>The entropy, grandmother, cka and heads verbs end to end on small synthetic feature stores.</summary>
[Collection("Console")]
public class AnalysisCommandsTests
{
    static readonly string[] Classes = ["cat", "dog", "car"];

    // 4 channels × 2×2; channel c peaks at position c for class c (channel 3 is noise).
    static string Store(string dir, string prefix, int n, int seed, string layer = "pool5")
    {
        var rng = new Random(seed);
        var values = new float[n * 16];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < 16; j++) values[i * 16 + j] = (float)rng.NextDouble();
            int c = i % 3;
            values[i * 16 + c * 4 + c] += 2;
        }
        var manifest = new FeatureManifest
        {
            ModelPath = "m.onnx", ModelSha256 = "00", DataName = "synthetic", DataFingerprint = "f", Preprocessing = "p", LayerAlias = layer,
            LayerValue = layer, Shape = [4, 2, 2], DType = "float32", Key = prefix, FormatVersion = 1, ToolVersion = "t",
            DotNetVersion = "n", OnnxRuntimeVersion = "o", Created = "c", Rows = 0, Complete = false,
        };
        using var w = FeatureStoreWriter.OpenOrCreate(dir, FeatureMatrixHeader.ForShape(FeatureDType.Float32, n, [4, 2, 2]), manifest);
        w.Append(values, Enumerable.Range(0, n).Select(i => $"{prefix}{i}").ToArray());
        w.Commit();
        w.Complete();
        return dir;
    }

    static string Labels(string path, params (string Prefix, int N)[] sets)
    {
        File.WriteAllLines(path, sets.SelectMany(s => Enumerable.Range(0, s.N).Select(i => $"{s.Prefix}{i},{Classes[i % 3]}")).Prepend("# id,class"));
        return path;
    }

    static void Ok(StringWriter error, string[] args)
    {
        int code = CliApp.Run(args);
        Assert.True(code == 0, $"{args[0]} exited {code}: {error}");
    }

    [Fact]
    public void Entropy_grandmother_cka_and_heads_write_their_reports_and_bad_input_exits_2()
    {
        using var tmp = new TempDir();
        string train = Store(tmp.Combine("train"), "tr", 90, 1), test = Store(tmp.Combine("test"), "te", 90, 2);
        string labels = Labels(tmp.Combine("labels.csv"), ("tr", 90), ("te", 90));
        var error = new StringWriter();
        var (originalError, originalOut) = (Console.Error, Console.Out);
        Console.SetError(error);
        Console.SetOut(new StringWriter());
        try
        {
            Ok(error, ["entropy", "--stores", $"alex/pool5={train}", "--labels", labels, "--out", tmp.Combine("entropy")]);
            Assert.True(File.Exists(tmp.Combine("entropy", "entropy-summary.md")));
            Ok(error, ["grandmother", "--trainval-store", train, "--test-store", test, "--labels", labels, "--out", tmp.Combine("gm")]);
            Ok(error, ["grandmother", "--trainval-store", train, "--test-store", test, "--labels", labels, "--out", tmp.Combine("gm-entropy"), "--ranking", "entropy"]);
            Assert.Contains("k50", File.ReadAllText(tmp.Combine("gm", "filters-needed.md")));
            Ok(error, ["cka", "--stores", $"a={train},b={train}", "--out", tmp.Combine("cka")]);
            foreach (var row in File.ReadAllLines(tmp.Combine("cka", "cka.csv")).Skip(1))   // a store against itself: CKA 1 everywhere
                Assert.All(row.Split(',').Skip(1), v => Assert.Equal(1.0, double.Parse(v, System.Globalization.CultureInfo.InvariantCulture), 9));
            Ok(error, ["heads", "--trainval-store", train, "--test-store", test, "--labels", labels, "--out", tmp.Combine("heads"),
                "--transform", "sp-max", "--heads", "linear,chi2,rff,mlp", "--epochs", "5", "--rff-features", "64"]);
            Assert.Equal(4 + 1, File.ReadAllLines(tmp.Combine("heads", "heads.csv")).Length);
            Assert.True(File.Exists(tmp.Combine("heads", "manifest.json")));

            Assert.Equal(2, CliApp.Run(["entropy", "--stores", tmp.Combine("nosuch"), "--labels", labels, "--out", tmp.Combine("x")]));
            Assert.Equal(2, CliApp.Run(["entropy", "--stores", train, "--labels", Labels(tmp.Combine("partial.csv"), ("tr", 10)), "--out", tmp.Combine("x")]));
            Assert.Equal(2, CliApp.Run(["heads", "--trainval-store", train, "--test-store", test, "--labels", labels, "--out", tmp.Combine("x"), "--heads", "svm9"]));
            Assert.Equal(2, CliApp.Run(["heads", "--trainval-store", train, "--test-store", test, "--labels", labels, "--out", tmp.Combine("x"), "--transform", "crop-l"]));
            Assert.Contains("no label for item 'tr10'", error.ToString());
            Assert.Contains("--transform: 'crop-l' is not one of unroll, sp-shuffle", error.ToString());
            Assert.Contains("--heads: 'svm9' is not one of linear, chi2, intersection, rff, mlp", error.ToString());
        }
        finally { Console.SetError(originalError); Console.SetOut(originalOut); }
    }

    [Fact]
    public void Transform_writes_a_content_addressed_store_equal_to_the_streamed_rows()
    {
        using var tmp = new TempDir();
        string source = Store(tmp.Combine("src"), "it", 700, 3); // more than one chunk
        var (originalOut, capture) = (Console.Out, new StringWriter());
        Console.SetOut(capture);
        try { Assert.Equal(0, CliApp.Run(["transform", "--store", source, "--transform", "sp-shuffle", "--seed", "4", "--out", tmp.Combine("t")])); }
        finally { Console.SetOut(originalOut); }
        string dir = capture.ToString().Trim();
        Assert.StartsWith("pool5_sp-shuffle-", Path.GetFileName(dir));
        using var written = FeatureMatrix.Open(dir);
        using var original = FeatureMatrix.Open(source);
        var streamed = LayerProbe.Features.Transforms.FeatureTransforms.Apply(new StoredFeatureRows(original), new(4, 2, 2), "pool5", "sp-shuffle", 4);
        Assert.Equal(original.Ids, written.Ids);
        for (int i = 0; i < 700; i += 37) Assert.Equal(streamed.Row(i).ToArray(), written.Row(i).ToArray());
        // sp-max changes the shape; another seed or transform gets another directory; a complete store is reused
        var t = LayerProbe.Features.Transforms.FeatureTransforms.Create("sp-max");
        string max = LayerProbe.Features.Transforms.TransformedStore.Write(source, t, tmp.Combine("t"));
        Assert.NotEqual(dir, max);
        using (var m = FeatureMatrix.Open(max)) Assert.Equal((4, 1, 1), (m.Header.Channels, m.Header.Height, m.Header.Width));
        Assert.Equal(max, LayerProbe.Features.Transforms.TransformedStore.Write(source, t, tmp.Combine("t")));
        Assert.NotEqual(dir, LayerProbe.Features.Transforms.TransformedStore.Write(source, new LayerProbe.Features.Transforms.SpatialShuffle(5), tmp.Combine("t")));
    }

    [Fact]
    public void Label_file_reads_multi_label_items_and_names_bad_lines()
    {
        using var tmp = new TempDir();
        var path = tmp.Combine("l.csv");
        File.WriteAllLines(path, ["a,cat", "", "b,dog", "b,cat", "c,car"]);
        var file = ItemLabelFile.Read(path);
        Assert.Equal(["cat", "dog", "car"], file.Classes);
        var ovr = file.For(["b", "c", "a"]);
        Assert.Equal([1, -1, 1], ovr.Of(0).ToArray().Select(v => (int)v));
        Assert.Equal([1, -1, -1], ovr.Of(1).ToArray().Select(v => (int)v));
        Assert.Equal([2, 0], file.SingleClassOf(["c", "a"]));
        Assert.Contains("2 classes", Assert.Throws<LayerProbeException>(() => file.SingleClassOf(["b"])).Message);
        File.WriteAllLines(path, ["a;cat"]);
        Assert.Contains("line 1", Assert.Throws<LayerProbeException>(() => ItemLabelFile.Read(path)).Message);
    }
}
