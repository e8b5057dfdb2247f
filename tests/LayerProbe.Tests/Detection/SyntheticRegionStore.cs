using LayerProbe.Features;
using LayerProbe.Regions;

namespace LayerProbe.Tests.Detection;

/// <summary>A feature store of chosen rows for the regions of a split (so detector scores are known exactly), written
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
        using (var w = FeatureStoreWriter.OpenOrCreate(dir, FeatureMatrixHeader.ForShape(FeatureDType.Float32, regions.Count, [dims]), manifest))
        {
            w.Append(values, Enumerable.Range(0, regions.Count).Select(regions.Id).ToArray());
            w.Commit();
            w.Complete();
        }
        RegionTable.WriteBeside(regions, featuresRoot);
        return dir;
    }
}
