using System.Numerics.Tensors;
using LayerProbe.Data;
using LayerProbe.Features;
using LayerProbe.Probes;
using LayerProbe.Regions;

namespace LayerProbe.Detection;

/// <summary>
/// Scores the proposals of a test split with a <see cref="DetectorSet"/> (docs/method.md §6.5): for every non-GT row of
/// an image, the row of the layer's feature store scaled by the factor the detectors were trained with, then
/// W·x̂ + b for every class with a detector, as one blocked matrix product over the rows of several images at once
/// (<see cref="Score(int, int)"/>). Rows are read from the memory-mapped store and the region table
/// (<see cref="RegionTableRows"/>); a non-finite or overflowing value stops it with the item and
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
    readonly float[] _weights;
    readonly double[] _biases;
    readonly int[] _identity;
    readonly float _limit;
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
        // w·(f·x) + b = (f·w)·x + b: the training scale is folded into the weights, laid out once, class-major.
        float factor = (float)detectors.Scaling.Factor;
        _weights = new float[_classes.Length * _matrix.Cols];
        for (int k = 0; k < _classes.Length; k++)
            TensorPrimitives.Multiply(detectors.Models[_classes[k]]!.Weights, factor, _weights.AsSpan(k * _matrix.Cols, _matrix.Cols));
        _biases = _classes.Select(c => detectors.Models[c]!.Bias).ToArray();
        _identity = Enumerable.Range(0, TorchBatchedProducts.BlockRows(_matrix.Cols)).ToArray();
        _limit = Analyses.StoredFeatureChecks.MagnitudeLimit(_matrix.Cols);
        _storeDirectory = storeDirectory;
    }

    /// <summary>Indices of the classes that are scored (those with a detector), in devkit order.</summary>
    public IReadOnlyList<int> ScoredClasses => _classes;

    /// <summary>Feature dimensions.</summary>
    public int Dimensions => _matrix.Cols;

    /// <summary>The non-GT rows of image <paramref name="image"/> and their scores (as <see cref="Score(int, int)"/>).</summary>
    public ImageScores Score(int image) => Score(image, 1)[0];

    /// <summary>
    /// The non-GT rows of images <paramref name="firstImage"/> … <paramref name="firstImage"/> + <paramref name="count"/> − 1:
    /// per image its region indices, boxes and a row-major score matrix (row × <see cref="ScoredClasses"/>). The rows
    /// of all the images are scored together, a block at a time, as one product with every class's weights
    /// (<see cref="BatchedProducts.Forward"/>'s managed kernel: 4 rows × 4 classes per sweep, the block split between the
    /// cores), so each row is read once for all classes and the weights stay in cache across rows. libtorch's sgemm is
    /// not used here: at a few classes the gather costs as much as the product, and under load its OpenMP threads
    /// collapse (<c>layerprobe-bench detect-scoring</c>: 4,500 against 22,000 proposals/s at 9,216 dims, 20 classes).
    /// Each block is checked for non-finite and overflowing values just before it is multiplied (while it is in cache).
    /// </summary>
    public ImageScores[] Score(int firstImage, int count)
    {
        var regions = new List<int>();
        var starts = new int[count + 1];
        for (int i = 0; i < count; i++)
        {
            starts[i] = regions.Count;
            for (int r = _regions.FirstItem(firstImage + i), end = _regions.FirstItem(firstImage + i + 1); r < end; r++)
                if (!_table.IsGroundTruth(r)) regions.Add(r);
        }
        starts[count] = regions.Count;
        var rows = regions.ToArray();
        int k = _classes.Length, block = Math.Min(TorchBatchedProducts.BlockRows(_matrix.Cols), Math.Max(1, rows.Length));
        var scores = new double[rows.Length * k];
        var z = new double[block * k];
        for (int start = 0; start < rows.Length; start += block)
        {
            int n = Math.Min(block, rows.Length - start);
            var blockRows = rows.AsSpan(start, n).ToArray();
            Check(blockRows);
            BatchedProducts.Forward(new FeatureRowSubset(_rows, blockRows), _identity, n, _weights, _biases, 1, k, z, allowTorch: false);
            Array.Copy(z, 0, scores, (long)start * k, (long)n * k);
        }
        var result = new ImageScores[count];
        for (int i = 0; i < count; i++)
        {
            var own = rows[starts[i]..starts[i + 1]];
            result[i] = new ImageScores(firstImage + i, own, own.Select(_table.Box).ToArray(), scores[(starts[i] * k)..(starts[i + 1] * k)], k);
        }
        return result;
    }

    /// <summary>The readers' check of stored rows (<see cref="Analyses.StoredFeatureChecks.CheckRow"/>) on a block, split between the cores: a NaN would silently drop the box.</summary>
    void Check(int[] rows)
    {
        int parts = Math.Min(Environment.ProcessorCount, Math.Max(1, rows.Length / 64));
        try
        {
            Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = parts }, p =>
            {
                for (int q = rows.Length * p / parts, end = rows.Length * (p + 1) / parts; q < end; q++)
                    Analyses.StoredFeatureChecks.CheckRow(_rows.Row(rows[q]), _limit, _rows.Ids, rows[q], _storeDirectory);
            });
        }
        catch (AggregateException e) when (e.InnerExceptions.OfType<LayerProbeException>().FirstOrDefault() is { } problem)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(problem).Throw(); // one line, as a serial loop would give
        }
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
