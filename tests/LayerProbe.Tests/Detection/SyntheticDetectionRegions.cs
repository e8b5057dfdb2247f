using System.Runtime.InteropServices;
using LayerProbe.Detection;
using LayerProbe.Features;
using LayerProbe.Probes;
using LayerProbe.Regions;

namespace LayerProbe.Tests.Detection;

/// <summary>
/// A seeded detection training set in the layout detector training reads: per image a few GT rows then proposals,
/// the region table (gt flag, class, box, overlap per class) written as a real table file, and ReLU-like features
/// in which a row carries the signal of every class in proportion to its overlap with that class (so proposals that
/// partly cover an object are the hard negatives). The classes' feature prototypes depend on <c>prototypeSeed</c> only,
/// so sets made with different seeds share them (a training and a held-out set). Classes at or above <c>presentClasses</c> never occur.
/// </summary>
internal sealed class SyntheticDetectionRegions : IDisposable
{
    public required float[] Features { get; init; }
    public required int Dimensions { get; init; }
    public required int[] ImageStarts { get; init; }
    public required string[] Classes { get; init; }
    public required string TablePath { get; init; }
    public required RegionTableRows Table { get; init; }
    public int Count => ImageStarts[^1];

    public IFeatureRows Rows => new DenseFeatureRows(Features, Count, Dimensions);

    public DetectorTrainingInput Input(string layer = "pool5") =>
        new(Rows, "features", Table, TablePath, ImageStarts, Classes, layer);

    /// <summary>Labels of class <paramref name="c"/> for evaluation: +1 GT rows of c and proposals at ≥ 0.5, −1 below 0.3, 0 between.</summary>
    public sbyte[] EvaluationLabels(int c)
    {
        var y = new sbyte[Count];
        for (int r = 0; r < Count; r++)
        {
            float o = Table.Overlap(r, c);
            y[r] = (sbyte)((Table.IsGroundTruth(r) && Table.ClassIndex(r) == c) || o >= 0.5f ? 1 : o < 0.3f ? -1 : 0);
        }
        return y;
    }

    public static SyntheticDetectionRegions Make(string directory, int images, int proposals, int classes, int presentClasses, int dims, int seed, int prototypeSeed = 1)
    {
        var rng = new Random(seed);
        var prototypeRng = new Random(prototypeSeed);
        var prototypes = new float[classes][];
        for (int c = 0; c < classes; c++)
            prototypes[c] = Enumerable.Range(0, dims).Select(_ => prototypeRng.NextDouble() < 0.3 ? (float)(0.5 + prototypeRng.NextDouble()) : 0f).ToArray();
        int cols = RegionRows.Columns(classes);
        var table = new List<float>();
        var features = new List<float>();
        var starts = new List<int> { 0 };
        for (int i = 0; i < images; i++)
        {
            int objects = 1 + rng.Next(3);
            var gtClasses = Enumerable.Range(0, objects).Select(_ => rng.Next(presentClasses)).ToArray();
            int rows = objects + proposals;
            for (int r = 0; r < rows; r++)
            {
                bool gt = r < objects;
                var overlap = new float[classes];
                foreach (int c in gtClasses.Distinct())
                    overlap[c] = (float)Math.Round(rng.NextDouble() switch { < 0.08 => 0.5 + 0.5 * rng.NextDouble(), < 0.2 => 0.3 + 0.2 * rng.NextDouble(), < 0.55 => 0.3 * rng.NextDouble(), _ => 0 }, 3);
                if (gt) overlap[gtClasses[r]] = 1;
                table.AddRange([gt ? 1 : 0, gt ? gtClasses[r] : -1, 1, 1, 100, 100]);
                table.AddRange(overlap);
                for (int j = 0; j < dims; j++)
                {
                    double v = 0.6 * Gauss(rng) - 0.2;
                    for (int c = 0; c < classes; c++) v += 1.6 * overlap[c] * prototypes[c][j];
                    features.Add((float)Math.Max(0, v));
                }
            }
            starts.Add(starts[^1] + rows);
        }
        Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, $"regions-{seed}.lpfm");
        var header = new FeatureMatrixHeader(FeatureDType.Float32, starts[^1], cols, cols, 1, 1);
        AtomicFile.Write(path, stream =>
        {
            var head = new byte[FeatureMatrixHeader.Size];
            header.Write(head);
            stream.Write(head);
            stream.Write(MemoryMarshal.AsBytes(CollectionsMarshal.AsSpan(table)));
        });
        return new SyntheticDetectionRegions
        {
            Features = features.ToArray(), Dimensions = dims, ImageStarts = starts.ToArray(),
            Classes = Enumerable.Range(0, classes).Select(c => $"class{c}").ToArray(),
            TablePath = path, Table = new RegionTableRows(path, classes),
        };
    }

    static double Gauss(Random rng) => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());

    public void Dispose() => Table.Dispose();
}
