using LayerProbe.Detection;
using LayerProbe.Probes;

namespace LayerProbe.Tests.Detection;

/// <summary>The detector file: round trip, a key per input, and bad files as one clear line.</summary>
public sealed class DetectorSetFileTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("lp-detector-file-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    static DetectorSet Set() => new(["cat", "dog", "cow"],
        [new LinearModel([1.5f, -2, 0.25f], -0.75), null, new LinearModel([0, 3, float.Epsilon], 12.5)],
        new FeatureScaling(40, 0.5, 20, 100, 3), "pool5");

    [Fact]
    public void RoundTripKeepsEveryDetectorExactly()
    {
        string key = DetectorSetFile.Key("storekey", "/x/regions-abc.lpfm", "pool5", DetectorTrainingSettings.Rcnn);
        string path = DetectorSetFile.Write(_dir, key, Set(), DetectorTrainingSettings.Rcnn);
        Assert.Equal(DetectorSetFile.PathFor(_dir, key), path);
        Assert.Single(Directory.GetFiles(_dir)); // no temporary left behind
        var back = DetectorSetFile.TryRead(_dir, key)!;
        Assert.Equal(Set().Classes, back.Classes);
        Assert.Equal("pool5", back.Layer);
        Assert.Equal(Set().Scaling, back.Scaling);
        Assert.Null(back.Models[1]);
        Assert.Equal(Set().Models[0]!.Weights, back.Models[0]!.Weights);
        Assert.Equal(Set().Models[2]!.Weights, back.Models[2]!.Weights);
        Assert.Equal(-0.75, back.Models[0]!.Bias);
        Assert.Equal(12.5, back.Models[2]!.Bias);
    }

    [Fact]
    public void KeyChangesWithStoreTableLayerAndEverySetting()
    {
        var s = DetectorTrainingSettings.Rcnn;
        string k = DetectorSetFile.Key("a", "regions-1.lpfm", "pool5", s);
        Assert.Equal(k, DetectorSetFile.Key("a", "/elsewhere/regions-1.lpfm", "pool5", s)); // the table by name (content-addressed), not by folder
        string[] others =
        [
            DetectorSetFile.Key("b", "regions-1.lpfm", "pool5", s),
            DetectorSetFile.Key("a", "regions-2.lpfm", "pool5", s),
            DetectorSetFile.Key("a", "regions-1.lpfm", "fc7", s),
            DetectorSetFile.Key("a", "regions-1.lpfm", "pool5", s with { HardThreshold = -1 }),
            DetectorSetFile.Key("a", "regions-1.lpfm", "pool5", s with { Svm = s.Svm with { C = 0.01 } }),
            DetectorSetFile.Key("a", "regions-1.lpfm", "pool5", s with { GroundTruthNegatives = false }),
        ];
        Assert.DoesNotContain(k, others);
        Assert.Equal(others.Length, others.Distinct().Count());
        Assert.Null(DetectorSetFile.TryRead(_dir, k));
    }

    [Fact]
    public void MismatchedTruncatedAndForeignFilesAreOneClearLine()
    {
        string key = DetectorSetFile.Key("s", "t", "pool5", DetectorTrainingSettings.Rcnn);
        string path = DetectorSetFile.Write(_dir, key, Set(), DetectorTrainingSettings.Rcnn);
        var mismatch = Assert.Throws<LayerProbeException>(() => DetectorSetFile.Read(path, "0" + key[1..]));
        Assert.StartsWith(path + ": ", mismatch.Message);
        Assert.Contains("key mismatch", mismatch.Message);

        var bytes = File.ReadAllBytes(path);
        string truncated = Path.Combine(_dir, "truncated.lpdet");
        File.WriteAllBytes(truncated, bytes[..^5]);
        var e = Assert.Throws<LayerProbeException>(() => DetectorSetFile.Read(truncated));
        Assert.StartsWith(truncated + ": ", e.Message);
        Assert.Contains("truncated", e.Message);

        string foreign = Path.Combine(_dir, "foreign.lpdet");
        File.WriteAllText(foreign, "{\"not\": \"detectors\"}");
        Assert.Contains("not a LayerProbe detector file", Assert.Throws<LayerProbeException>(() => DetectorSetFile.Read(foreign)).Message);
        foreach (var message in new[] { mismatch.Message, e.Message }) Assert.DoesNotContain('\n', message);
    }
}
