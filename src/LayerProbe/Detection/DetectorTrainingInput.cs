using LayerProbe.Probes;
using LayerProbe.Regions;

namespace LayerProbe.Detection;

/// <summary>
/// What detector training reads: one layer's region features (row i = region item i, e.g. a memory-mapped
/// <see cref="Features.StoredFeatureRows"/>), the region table of the same items (GT flag, class, overlaps), where each
/// image's rows start, and the class names. Row counts that do not agree are one clear line naming the files.
/// </summary>
public sealed class DetectorTrainingInput
{
    readonly int[] _imageStarts;

    /// <param name="features">Feature rows, one per region item.</param>
    /// <param name="featuresPath">The feature store (named in errors).</param>
    /// <param name="regions">The region table of the same items.</param>
    /// <param name="regionsPath">The region table file (named in errors).</param>
    /// <param name="imageStarts">First item of every image, in image order, then the item count (length images + 1).</param>
    /// <param name="classes">Class names (the table's overlap columns, devkit order).</param>
    /// <param name="layer">The layer the features are of.</param>
    public DetectorTrainingInput(IFeatureRows features, string featuresPath, RegionTableRows regions, string regionsPath,
        IReadOnlyList<int> imageStarts, IReadOnlyList<string> classes, string layer)
    {
        if (features.Count != regions.Count)
            throw LayerProbeException.For(featuresPath, $"{features.Count} feature rows but the region table {regionsPath} has {regions.Count} rows (features of another split or proposal set?)");
        if (classes.Count != regions.Classes)
            throw LayerProbeException.For(regionsPath, $"{regions.Classes} overlap columns for {classes.Count} classes");
        if (imageStarts.Count < 1 || imageStarts[0] != 0 || imageStarts[^1] != regions.Count)
            throw LayerProbeException.For(regionsPath, $"image boundaries cover items {(imageStarts.Count > 0 ? imageStarts[0] : 0)}…{(imageStarts.Count > 0 ? imageStarts[^1] : 0)}, the table has {regions.Count} rows");
        for (int i = 1; i < imageStarts.Count; i++)
            if (imageStarts[i] < imageStarts[i - 1]) throw LayerProbeException.For(regionsPath, $"image {i} starts before image {i - 1}");
        (Features, FeaturesPath, Regions, RegionsPath, Classes, Layer) = (features, featuresPath, regions, regionsPath, classes, layer);
        _imageStarts = imageStarts.ToArray();
    }

    /// <summary>The inputs of the regions of a VOC split: its feature rows and its region table.</summary>
    public static DetectorTrainingInput Of(VocRegions regions, IFeatureRows features, string featuresPath, RegionTableRows table, string tablePath, string layer)
    {
        var starts = new int[regions.Images + 1];
        for (int i = 0; i < regions.Images; i++) starts[i] = regions.FirstItem(i);
        starts[^1] = regions.Count;
        if (table.Count != regions.Count) throw LayerProbeException.For(tablePath, $"{table.Count} rows for {regions.Count} regions of {regions.Name}");
        return new DetectorTrainingInput(features, featuresPath, table, tablePath, starts, regions.Classes, layer);
    }

    /// <summary>Feature rows (unscaled).</summary>
    public IFeatureRows Features { get; }
    /// <summary>The feature store path.</summary>
    public string FeaturesPath { get; }
    /// <summary>The region table.</summary>
    public RegionTableRows Regions { get; }
    /// <summary>The region table path.</summary>
    public string RegionsPath { get; }
    /// <summary>Class names.</summary>
    public IReadOnlyList<string> Classes { get; }
    /// <summary>The layer.</summary>
    public string Layer { get; }
    /// <summary>Number of images.</summary>
    public int Images => _imageStarts.Length - 1;
    /// <summary>The items of image <paramref name="image"/>: [start, end).</summary>
    public (int Start, int End) ImageRows(int image) => (_imageStarts[image], _imageStarts[image + 1]);
}
