using System.Numerics.Tensors;
using LayerProbe.Data;
using LayerProbe.Features;
using LayerProbe.Probes;
using LayerProbe.Regions;

namespace LayerProbe.Detection;

/// <summary>
/// Scores the proposals of a test split with a <see cref="DetectorSet"/> (docs/method.md §6.5): for every non-GT row of
/// an image, the row of the layer's feature store scaled by the factor the detectors were trained with, then
/// W·x̂ + b for every class with a detector. Rows are read from the memory-mapped store and the region table
/// (<see cref="RegionTableRows"/>), one image at a time; a non-finite or overflowing value stops it with the item and
/// dimension named, as every reader of stored rows does. Opening checks that the store, the table, the regions and the
/// detectors belong together; any mismatch is one clear line.
/// </summary>
public sealed class RegionScorer : IDisposable
{
    readonly DetectorSet _detectors;
    readonly VocRegions _regions;
    readonly FeatureMatrix _matrix;
    readonly StoredFeatureRows _rows;
    readonly RegionTableRows _table;
    readonly int[] _classes;
    readonly LinearModel[] _models;
    readonly float _factor, _limit;
    readonly string _storeDirectory;

    /// <summary>
    /// Opens the test store <paramref name="storeDirectory"/> (a complete feature store of <paramref name="regions"/>)
    /// and the region table in <paramref name="tableDirectory"/>; <paramref name="detectorSource"/> names the detectors
    /// in error lines (their file, or the training run).
    /// </summary>
    public RegionScorer(DetectorSet detectors, VocRegions regions, string storeDirectory, string tableDirectory, string detectorSource)
    {
        _detectors = detectors;
        _regions = regions;
        if (!detectors.Classes.SequenceEqual(regions.Classes))
            throw LayerProbeException.For(detectorSource, $"detectors for the classes {Names(detectors.Classes)}, but {regions.Devkit.Root} has {Names(regions.Classes)}");
        for (int i = 0; i < regions.Images; i++)
            if (regions.FirstItem(i + 1) - regions.FirstItem(i) == regions.Annotation(i).Objects.Count)
                throw LayerProbeException.For(Path.Combine(regions.ProposalsDirectory, Proposals.ProposalStoreFiles.Images),
                    $"test image {regions.Annotation(i).ImageId} has no proposals: nothing to detect in it");
        _matrix = RegionFeatureStore.Open(storeDirectory, regions, detectors.Layer, "detectors", detectorSource);
        try
        {
            _rows = new StoredFeatureRows(_matrix);
            foreach (int c in detectors.TrainedClasses)
                if (detectors.Models[c]!.Weights.Length != _matrix.Cols)
                    throw LayerProbeException.For(detectorSource, $"the {detectors.Classes[c]} detector has {detectors.Models[c]!.Weights.Length} weights, but {storeDirectory} has {_matrix.Cols}-dimensional rows");
            _table = RegionTableRows.Of(regions, tableDirectory);
        }
        catch
        {
            _matrix.Dispose();
            throw;
        }
        _classes = detectors.TrainedClasses.ToArray();
        _models = _classes.Select(c => detectors.Models[c]!).ToArray();
        _factor = (float)detectors.Scaling.Factor;
        _limit = Analyses.StoredFeatureChecks.MagnitudeLimit(_matrix.Cols);
        _storeDirectory = storeDirectory;
    }

    /// <summary>Indices of the classes that are scored (those with a detector), in devkit order.</summary>
    public IReadOnlyList<int> ScoredClasses => _classes;

    /// <summary>Feature dimensions.</summary>
    public int Dimensions => _matrix.Cols;

    /// <summary>
    /// The non-GT rows of image <paramref name="image"/>: their region indices, boxes and a row-major score matrix
    /// (row × <see cref="ScoredClasses"/>). Thread-safe: images may be scored concurrently.
    /// </summary>
    public ImageScores Score(int image)
    {
        int first = _regions.FirstItem(image), end = _regions.FirstItem(image + 1);
        var regions = new List<int>(end - first);
        for (int r = first; r < end; r++)
            if (!_table.IsGroundTruth(r)) regions.Add(r);
        var boxes = new PixelBox[regions.Count];
        var scores = new double[regions.Count * _classes.Length];
        var scaled = new float[_matrix.Cols];
        for (int i = 0; i < regions.Count; i++)
        {
            int r = regions[i];
            boxes[i] = _table.Box(r);
            var row = _rows.Row(r);
            Analyses.StoredFeatureChecks.CheckRow(row, _limit, _rows.Ids, r, _storeDirectory); // a NaN would silently drop the box
            TensorPrimitives.Multiply(row, _factor, scaled);
            for (int k = 0; k < _classes.Length; k++)
                scores[i * _classes.Length + k] = _models[k].Decision(scaled);
        }
        return new ImageScores(image, regions.ToArray(), boxes, scores, _classes.Length);
    }

    internal static string Names(IReadOnlyList<string> classes) =>
        classes.Count <= 6 ? string.Join(",", classes) : $"{string.Join(",", classes.Take(5))},… ({classes.Count})";

    /// <summary>Releases the maps.</summary>
    public void Dispose()
    {
        _table.Dispose();
        _matrix.Dispose();
    }
}

/// <summary>The scores of one image's proposals: <see cref="Scores"/> is row-major, one row per proposal, one column
/// per scored class.</summary>
public sealed record ImageScores(int Image, int[] Regions, PixelBox[] Boxes, double[] Scores, int Classes)
{
    /// <summary>The scores of scored class <paramref name="k"/> (its column).</summary>
    public double[] Column(int k)
    {
        var column = new double[Regions.Length];
        for (int i = 0; i < column.Length; i++) column[i] = Scores[i * Classes + k];
        return column;
    }
}
