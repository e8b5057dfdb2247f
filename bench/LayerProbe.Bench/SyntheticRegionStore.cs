using System.Runtime.InteropServices;
using LayerProbe.Features;
using LayerProbe.Regions;

namespace LayerProbe.Bench;

/// <summary>
/// A seeded detection training set on disk for the detector benchmark: a bare float32 feature matrix (pool5-like:
/// non-negative, about four fifths zeros) and its region table, both in the stores' matrix format, written image by
/// image (memory: one image). Per image 1–3 GT rows of random classes, then proposals whose overlap with each class in
/// the image is drawn (8 % ≥ 0.5, 12 % in 0.3–0.5, 35 % below 0.3, the rest 0); a row's features are
/// ReLU(noise − 0.5 + Σ_c a·overlap_c·prototype_c) with a = 1.6·(64/dims)^¼ (at 9,216 dims the full signal of
/// √(64/d) leaves a few GT rows per class too weak to learn from, 1.6 makes every class trivial), so partly overlapping proposals are the hard negatives.
/// Noise comes from a table of 65,536 normal values indexed by a xorshift generator (generating 10⁹ values by
/// Box–Muller would take longer than the training measured).
/// </summary>
internal sealed class SyntheticRegionStore(int classes, int dims, int proposals, int prototypeSeed = 1)
{
    readonly float[][] _prototypes = Prototypes(classes, dims, prototypeSeed);
    readonly float _amplitude = (float)(1.6 * Math.Pow(64.0 / dims, 0.25));
    static readonly float[] Normal = NormalTable();

    public int Classes => classes;
    public int Dimensions => dims;

    /// <summary>Writes <paramref name="images"/> images into features.lpfm and regions.lpfm in <paramref name="directory"/>; returns the image starts.</summary>
    public int[] Write(string directory, int images, int seed, Action<int>? progress = null)
    {
        var layout = Layout(images, seed);
        int rows = layout[^1].Start + layout[^1].Rows;
        int cols = RegionRows.Columns(classes);
        using var features = Open(Path.Combine(directory, "features.lpfm"), new FeatureMatrixHeader(FeatureDType.Float32, rows, dims, 1, 1, dims));
        using var table = Open(Path.Combine(directory, "regions.lpfm"), new FeatureMatrixHeader(FeatureDType.Float32, rows, cols, cols, 1, 1));
        for (int i = 0; i < images; i++)
        {
            var (x, t) = Image(layout[i], seed);
            features.Write(MemoryMarshal.AsBytes(x.AsSpan()));
            table.Write(MemoryMarshal.AsBytes(t.AsSpan()));
            progress?.Invoke(i + 1);
        }
        return layout.Select(l => l.Start).Append(rows).ToArray();
    }

    /// <summary>Held-out images in memory (features, table rows).</summary>
    public (float[] Features, float[] Table, int Rows) InMemory(int images, int seed)
    {
        var layout = Layout(images, seed);
        var parts = layout.Select(l => Image(l, seed)).ToArray();
        return (parts.SelectMany(p => p.Features).ToArray(), parts.SelectMany(p => p.Table).ToArray(), layout.Sum(l => l.Rows));
    }

    record struct ImageLayout(int Index, int Start, int Rows, int[] GtClasses);

    ImageLayout[] Layout(int images, int seed)
    {
        var rng = new Random(seed);
        var layout = new ImageLayout[images];
        int start = 0;
        for (int i = 0; i < images; i++)
        {
            var gt = Enumerable.Range(0, 1 + rng.Next(3)).Select(_ => rng.Next(classes)).ToArray();
            layout[i] = new ImageLayout(i, start, gt.Length + proposals, gt);
            start = checked(start + gt.Length + proposals);
        }
        return layout;
    }

    (float[] Features, float[] Table) Image(ImageLayout image, int seed)
    {
        int cols = RegionRows.Columns(classes);
        var x = new float[image.Rows * dims];
        var t = new float[image.Rows * cols];
        var present = image.GtClasses.Distinct().ToArray();
        var rng = new Random(seed * 1_000_003 + image.Index);
        for (int r = 0; r < image.Rows; r++)
        {
            var row = t.AsSpan(r * cols, cols);
            bool gt = r < image.GtClasses.Length;
            row[0] = gt ? 1 : 0;
            row[1] = gt ? image.GtClasses[r] : -1;
            (row[2], row[3], row[4], row[5]) = (1, 1, 100, 100);
            foreach (int c in present)
                row[6 + c] = (float)(rng.NextDouble() switch { < 0.08 => 0.5 + 0.5 * rng.NextDouble(), < 0.2 => 0.3 + 0.2 * rng.NextDouble(), < 0.55 => 0.3 * rng.NextDouble(), _ => 0 });
            if (gt) row[6 + image.GtClasses[r]] = 1;
        }
        Parallel.For(0, image.Rows, r =>
        {
            ulong state = (ulong)(seed * 7919 + image.Index) * 0x9E3779B97F4A7C15UL + (ulong)r * 0xBF58476D1CE4E5B9UL + 1;
            var f = x.AsSpan(r * dims, dims);
            for (int j = 0; j < dims; j++)
            {
                state ^= state << 13; state ^= state >> 7; state ^= state << 17;
                f[j] = 0.6f * Normal[(int)(state >> 48)] - 0.5f;
            }
            for (int c = 0; c < classes; c++)
            {
                float o = t[r * cols + 6 + c];
                if (o > 0) System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(_prototypes[c], _amplitude * o, f, f);
            }
            System.Numerics.Tensors.TensorPrimitives.Max(f, 0f, f);
        });
        return (x, t);
    }

    static FileStream Open(string path, FeatureMatrixHeader header)
    {
        var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        var head = new byte[FeatureMatrixHeader.Size];
        header.Write(head);
        stream.Write(head);
        return stream;
    }

    static float[][] Prototypes(int classes, int dims, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, classes)
            .Select(_ => Enumerable.Range(0, dims).Select(_ => rng.NextDouble() < 0.3 ? (float)(0.5 + rng.NextDouble()) : 0f).ToArray()).ToArray();
    }

    static float[] NormalTable()
    {
        var rng = new Random(12345);
        return Enumerable.Range(0, 1 << 16).Select(_ => (float)SyntheticReluFeatures.Gauss(rng)).ToArray();
    }
}
