using LayerProbe.Data;
using LayerProbe.Features;
using LayerProbe.Networks;

namespace LayerProbe.Bench;

/// <summary>
/// Checks that features extracted on one device equal those of a reference device (the CPU) for the same items:
/// per layer, the largest absolute difference over the largest absolute reference value (≤ 1e-3 passes). Stores are
/// keyed without the device, so both runs use the same store directory names.
/// </summary>
static class DeviceAgreement
{
    public const double Tolerance = 1e-3;

    /// <summary>Extracts on <paramref name="reference"/> into <paramref name="referenceDir"/> and compares every store of <paramref name="measuredDir"/>; true when all agree.</summary>
    public static bool Check(OnnxNetwork network, IItemSet items, IPreprocessor preprocessor, IReadOnlyList<string> layers, int batch,
        string measuredDir, ExecutionDevice measured, string referenceDir, ExecutionDevice reference)
    {
        FeatureExtractor.Run(network, items, preprocessor, layers, referenceDir, new ExtractionOptions { BatchSize = batch, Device = reference });
        bool ok = true;
        foreach (var store in Directory.GetDirectories(measuredDir).Order())
        {
            string name = Path.GetFileName(store);
            double relative = RelativeDifference(store, Path.Combine(referenceDir, name));
            bool agrees = relative <= Tolerance;
            ok &= agrees;
            Console.WriteLine($"  {name}: max |{measured} - {reference}| / max |{reference}| = {relative:E2}  (≤ {Tolerance:E0}: {(agrees ? "yes" : "NO")})");
        }
        return ok;
    }

    static double RelativeDifference(string measuredStore, string referenceStore)
    {
        using var a = FeatureMatrix.Open(measuredStore);
        using var b = FeatureMatrix.Open(referenceStore);
        if (a.RowCount != b.RowCount || a.Cols != b.Cols) return double.PositiveInfinity;
        var x = new float[a.Cols];
        var y = new float[b.Cols];
        double maxDiff = 0, maxRef = 0;
        for (long r = 0; r < a.RowCount; r++)
        {
            a.CopyRow(r, x);
            b.CopyRow(r, y);
            for (int j = 0; j < x.Length; j++)
            {
                maxDiff = Math.Max(maxDiff, Math.Abs((double)x[j] - y[j]));
                maxRef = Math.Max(maxRef, Math.Abs((double)y[j]));
            }
        }
        return maxRef > 0 ? maxDiff / maxRef : maxDiff;
    }
}
