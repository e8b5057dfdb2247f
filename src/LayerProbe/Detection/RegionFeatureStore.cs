using LayerProbe.Features;
using LayerProbe.Regions;

namespace LayerProbe.Detection;

/// <summary>
/// Opens the feature store of a split's regions for a model that reads one layer (detectors, box regressors) and checks
/// that they belong together: the store is complete, holds that layer, was extracted from exactly these regions (the
/// regions' fingerprint: devkit, split and proposals) and has one row per region. Each mismatch is one clear line; the
/// one place these checks live.
/// </summary>
public static class RegionFeatureStore
{
    /// <summary>
    /// Opens <paramref name="storeDirectory"/> as the features of <paramref name="regions"/> for the
    /// <paramref name="what"/> (e.g. "detectors") of <paramref name="layer"/> read from <paramref name="source"/> (named in
    /// error lines); an empty <paramref name="layer"/> is not checked. The caller disposes the matrix.
    /// </summary>
    public static FeatureMatrix Open(string storeDirectory, VocRegions regions, string layer, string what, string source)
    {
        if (!FeatureStoreFiles.IsComplete(storeDirectory)) throw LayerProbeException.For(storeDirectory, "not a complete feature store (extract it first, or rerun to resume)");
        var manifest = FeatureManifest.Read(Path.Combine(storeDirectory, FeatureStoreFiles.Manifest));
        if (layer.Length > 0 && layer != manifest.LayerAlias && layer != manifest.LayerValue)
            throw LayerProbeException.For(source, $"{what} of layer '{layer}', but the store {storeDirectory} holds '{manifest.LayerAlias}'");
        if (manifest.DataFingerprint != regions.Fingerprint)
            throw LayerProbeException.For(storeDirectory, $"holds features of other items ({manifest.DataName}) than the regions of {regions.Devkit.Root} split '{regions.Split}' with proposals {regions.ProposalsDirectory}");
        var matrix = FeatureMatrix.Open(storeDirectory);
        if (matrix.RowCount != regions.Count)
        {
            long rows = matrix.RowCount;
            matrix.Dispose();
            throw LayerProbeException.For(storeDirectory, $"{rows} rows for the {regions.Count} regions of split '{regions.Split}'");
        }
        return matrix;
    }
}
