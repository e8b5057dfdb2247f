using System.Globalization;
using LayerProbe.Data;
using LayerProbe.Features;
using LayerProbe.Networks;
using LayerProbe.Proposals;
using LayerProbe.Regions;
using LayerProbe.Scenes;
using LayerProbe.Tests.Cli;
using LayerProbe.Tests.Data;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;

namespace LayerProbe.Tests.Regions;

/// <summary>
/// <c>extract --regions shared-conv</c> through the CLI on a tiny Fashion-MNIST-scenes devkit: the same item ids and
/// row count as warp mode, the mode/scale/layer in the manifest and the key, pooled rows equal to the Fast R-CNN
/// transcription applied to relu5 computed by ONNX Runtime on the whole network at the scaled size, fc7 equal to the
/// head run on the stored pool5 rows, both pooling engines agreeing; bad options one line, exit 2.
/// </summary>
public sealed class SharedConvExtractionTests : IDisposable
{
    readonly TempDir _tmp = new();
    readonly string _model, _spec, _root;

    public SharedConvExtractionTests()
    {
        FashionScenes.Generate(new SceneSettings { Images = 4, Seed = 5 }, _tmp.Combine("scenes"), TextWriter.Null);
        _root = _tmp.Combine("scenes", "VOC2007");
        var random = new Random(3);
        var ids = File.ReadAllLines(Path.Combine(_root, "ImageSets", "Main", "test.txt"));
        var csv = ids.SelectMany(id => Enumerable.Range(0, 25).Select(_ =>
        {
            int x1 = random.Next(1, 300), y1 = random.Next(1, 220);
            return string.Create(CultureInfo.InvariantCulture, $"{id},{x1},{y1},{Math.Min(320, x1 + random.Next(0, 200))},{Math.Min(240, y1 + random.Next(0, 150))}");
        }));
        File.WriteAllLines(_tmp.Combine("boxes.csv"), csv);
        string store = ProposalImport.Import(ImageFileSet.FromSpec($"voc2007:{_root}:test"), _tmp.Combine("boxes.csv"), _tmp.Combine("proposals")).Directory;
        _spec = $"voc2007:{_root}:test:proposals:{store}";
        _model = MiniCaffeNet.Write(_tmp);
    }

    public void Dispose() => _tmp.Dispose();

    string[] Extract(string output, string layers, params string[] more) =>
        ["extract", "--model", _model, "--layers", layers, "--data", _spec, "--out", _tmp.Combine(output), .. more];

    static string Store(string output, string layer) => Assert.Single(Directory.GetDirectories(output, layer + "-*"));

    [Fact]
    public void Shared_conv_writes_warp_modes_ids_and_rows_with_pooled_rows_equal_to_the_reference()
    {
        var warp = CliProcess.Run(Extract("warp", "pool5"));
        Assert.True(warp.Code == 0, warp.Err);
        var shared = CliProcess.Run(Extract("shared", "pool5,fc7", "--regions", "shared-conv", "--roi-layer", "relu5", "--roi-scale", "240", "--roi-batch", "7"));
        Assert.True(shared.Code == 0, shared.Err);

        string warpPool5 = Store(_tmp.Combine("warp"), "pool5"), pool5 = Store(_tmp.Combine("shared"), "pool5"), fc7 = Store(_tmp.Combine("shared"), "fc7");
        Assert.Equal(File.ReadAllBytes(Path.Combine(warpPool5, FeatureStoreFiles.Ids)), File.ReadAllBytes(Path.Combine(pool5, FeatureStoreFiles.Ids)));
        Assert.Equal(File.ReadAllBytes(Path.Combine(warpPool5, FeatureStoreFiles.Ids)), File.ReadAllBytes(Path.Combine(fc7, FeatureStoreFiles.Ids)));
        using var w = FeatureMatrix.Open(warpPool5);
        using var p = FeatureMatrix.Open(pool5);
        Assert.Equal(w.RowCount, p.RowCount);
        Assert.Equal(w.Cols, p.Cols);
        Assert.NotEqual(Path.GetFileName(warpPool5), Path.GetFileName(pool5));

        var network = OnnxNetwork.Load(_model);
        var manifest = FeatureManifest.Read(Path.Combine(pool5, FeatureStoreFiles.Manifest));
        Assert.Equal(new RegionFeatures("shared-conv", network.ResolveLayer("relu5"), 240, 1000, 8, network.ResolveLayer("pool5"), [3, 3], "ort"),
            manifest.Regions! with { Grid = null }, RecordComparer);
        Assert.Equal([3, 3], manifest.Regions!.Grid);
        Assert.Equal("warp", FeatureManifest.Read(Path.Combine(warpPool5, FeatureStoreFiles.Manifest)).Regions!.Mode);

        // pooled rows: the transcription on relu5 from ONNX Runtime on the whole network adapted to the scaled image
        using var regions = new VocRegions(new VocDevkit(_root), "test", _spec.Split(":proposals:")[1]);
        var scaled = new ScaledImagePreprocessor(Preprocessing.For(network), 240, 1000, SharedConvNetwork.For(network, "relu5").MinimumSide);
        for (int image = 0; image < regions.Images; image++)
        {
            var pixels = regions.Decode(image);
            var (sw, sh) = scaled.SizeOf(pixels.Width, pixels.Height);
            var input = new float[3 * sw * sh];
            scaled.Fill(pixels, input);
            var adapted = network.WithInput(sh, sw);
            string relu5 = adapted.ResolveLayer("relu5");
            using var session = new InferenceSession(HeadSubgraph.Cut(adapted, adapted.InputName, [relu5], [3, sh, sw]).ToByteArray()); // the fc layers fix the input size
            using var x = OrtValue.CreateTensorValueFromMemory(input, [1, 3, sh, sw]);
            using var run = new RunOptions();
            using var y = session.Run(run, [network.InputName], [x], [relu5]);
            var shape = y[0].GetTensorTypeAndShape().Shape;
            var map = y[0].GetTensorDataAsSpan<float>().ToArray();
            int first = regions.FirstItem(image), rows = regions.FirstItem(image + 1) - first;
            var rois = new float[5 * rows];
            for (int r = 0; r < rows; r++)
            {
                var box = RegionRows.Box(regions.Annotation(image), regions.Proposals(image), r);
                double s = scaled.ScaleOf(pixels.Width, pixels.Height);
                float[] roi = [0, (float)((box.X1 - 1) * s), (float)((box.Y1 - 1) * s), (float)((box.X2 - 1) * s), (float)((box.Y2 - 1) * s)];
                roi.CopyTo(rois, 5 * r);
            }
            var expected = RoiPoolingReference.Pool(map, (int)shape[1], (int)shape[2], (int)shape[3], rois, rows, 1f / 8, 3, 3);
            for (int r = 0; r < rows; r++)
                for (int c = 0; c < p.Cols; c++)
                    Assert.Equal(expected[r * p.Cols + c], p.Row(first + r)[c], 1e-4f + 1e-4f * Math.Abs(expected[r * p.Cols + c]));
        }

        // fc7: the network's head run on the stored pool5 rows (head-features)
        var head = HeadFeatures.Run(network, pool5, "fc7", _tmp.Combine("head"));
        using (var expectedFc7 = FeatureMatrix.Open(head.Directory))
        using (var actualFc7 = FeatureMatrix.Open(fc7))
            for (long r = 0; r < actualFc7.RowCount; r++)
                for (int c = 0; c < actualFc7.Cols; c++)
                    Assert.Equal(expectedFc7.Row(r)[c], actualFc7.Row(r)[c], 1e-4f + 1e-4f * Math.Abs(expectedFc7.Row(r)[c]));

        // the managed engine gives the same rows, in another store (the engine is in the key)
        var managed = CliProcess.Run(Extract("managed", "pool5", "--regions", "shared-conv", "--roi-layer", "relu5", "--roi-scale", "240", "--roi-pool", "managed"));
        Assert.True(managed.Code == 0, managed.Err);
        string managedPool5 = Store(_tmp.Combine("managed"), "pool5");
        Assert.NotEqual(Path.GetFileName(pool5), Path.GetFileName(managedPool5));
        Assert.Equal(File.ReadAllBytes(Path.Combine(pool5, FeatureStoreFiles.Matrix)), File.ReadAllBytes(Path.Combine(managedPool5, FeatureStoreFiles.Matrix)));

        // a rerun reuses the complete stores; another scale is another store
        var again = CliProcess.Run(Extract("shared", "pool5,fc7", "--regions", "shared-conv", "--roi-layer", "relu5", "--roi-scale", "240", "--roi-batch", "7"));
        Assert.Contains("already complete", again.Out);
        var other = CliProcess.Run(Extract("shared", "pool5", "--regions", "shared-conv", "--roi-layer", "relu5", "--roi-scale", "160"));
        Assert.True(other.Code == 0, other.Err);
        Assert.Equal(2, Directory.GetDirectories(_tmp.Combine("shared"), "pool5-*").Length);
    }

    static readonly IEqualityComparer<RegionFeatures> RecordComparer = EqualityComparer<RegionFeatures>.Create(
        (a, b) => a!.Mode == b!.Mode && a.Layer == b.Layer && a.ShorterSide == b.ShorterSide && a.MaxSide == b.MaxSide && a.Stride == b.Stride && a.Pooled == b.Pooled && a.Pool == b.Pool);

    [Theory]
    [InlineData("no spatial extent", "pool5", "--roi-layer", "fc6")]
    [InlineData("--roi-scale", "pool5", "--roi-layer", "relu5", "--roi-scale", "8")]
    [InlineData("not computed from the pooled regions", "conv3", "--roi-layer", "relu5")]
    [InlineData("--roi-layer", "pool5", "--roi-scale", "240")]
    public void Bad_shared_conv_options_are_one_line_and_exit_2(string expected, string layers, params string[] options)
    {
        var (code, _, err) = CliProcess.Run(Extract("bad", layers, ["--regions", "shared-conv", .. options]));
        Assert.Equal(2, code);
        var line = Assert.Single(CliProcess.ErrorLines(err));
        Assert.StartsWith("layerprobe: ", line);
        Assert.Contains(expected, line);
        Assert.Empty(Directory.Exists(_tmp.Combine("bad")) ? Directory.GetDirectories(_tmp.Combine("bad")) : []);
    }
}
