using LayerProbe.Features;
using LayerProbe.Regions;

namespace LayerProbe.Tests.Detection;

/// <summary>A feature store of chosen rows for the regions of a split (so detector scores are known exactly; non-finite values kept, for the readers' checks), written
/// like an extraction would (the regions' fingerprint and ids), with the region table beside it.</summary>
static class SyntheticRegionStore
{
    public static string Write(string featuresRoot, VocRegions regions, string layer, int dims, Func<int, float[]> row)
    {
        string dir = Path.Combine(featuresRoot, $"{layer}-{regions.Split}");
        var manifest = new FeatureManifest
        {
            ModelPath = "synthetic.onnx", ModelSha256 = "00", DataName = regions.Name, DataFingerprint = regions.Fingerprint,
            Preprocessing = "none", LayerAlias = layer, LayerValue = layer, Shape = [dims], DType = "float32", Key = $"synthetic-{layer}-{regions.Split}",
            FormatVersion = 1, ToolVersion = "t", DotNetVersion = "n", OnnxRuntimeVersion = "o", Created = "c", Rows = 0, Complete = false,
        };
        var values = new float[regions.Count * dims];
        for (int i = 0; i < regions.Count; i++) row(i).CopyTo(values, i * dims);
        using (var w = FeatureStoreWriter.OpenOrCreate(dir, FeatureMatrixHeader.ForShape(FeatureDType.Float32, regions.Count, [dims]), manifest, keepNonFinite: true))
        {
            w.Append(values, Enumerable.Range(0, regions.Count).Select(regions.Id).ToArray());
            w.Commit();
            w.Complete();
        }
        RegionTable.WriteBeside(regions, featuresRoot);
        return dir;
    }

    /// <summary>RegionDevkit's images with <paramref name="randomPerImage"/> random boxes plus <paramref name="copies"/>
    /// copies of every GT box with corners moved by up to ±<paramref name="jitter"/> px (hits, near misses and
    /// duplicates), kept inside the smallest image (500×338) and at least 6 px wide and high.</summary>
    public static int[][][] NearGroundTruth(int randomPerImage, int copies, int jitter, int seed)
    {
        var random = new Random(seed);
        var boxes = Regions.RegionDevkit.ManyBoxes(3, randomPerImage, seed).Select((b, i) => b.Concat(Regions.RegionDevkit.Objects[i].SelectMany(o =>
            Enumerable.Range(0, copies).Select(_ => o.Box.Select(v => Math.Max(1, v + random.Next(-jitter, jitter + 1))).ToArray()))).ToArray()).ToArray();
        foreach (var b in boxes.SelectMany(image => image))
        {
            b[2] = Math.Min(Math.Max(b[2], b[0] + 5), 499);
            b[3] = Math.Min(Math.Max(b[3], b[1] + 5), 337);
        }
        return boxes;
    }
}
