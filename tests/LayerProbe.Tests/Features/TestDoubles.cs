using LayerProbe.Data;
using LayerProbe.Features;

namespace LayerProbe.Tests.Features;

/// <summary>Deterministic random RGB images of varying sizes; the fingerprint covers count, size and seed.</summary>
sealed class RandomImageSet : IItemSet
{
    readonly int _seed;
    readonly (int W, int H)[] _sizes;

    public RandomImageSet(int count, int seed = 1, int minSide = 12, int maxSide = 40)
    {
        _seed = seed;
        var random = new Random(seed);
        _sizes = Enumerable.Range(0, count).Select(_ => (random.Next(minSide, maxSide), random.Next(minSide, maxSide))).ToArray();
    }

    /// <summary>How many times <see cref="Load"/> ran (to check resumed runs skip committed items).</summary>
    public int Loads;

    public string Name => "random-images";
    public int Count => _sizes.Length;
    public string Fingerprint => $"random:{_sizes.Length}:{_seed}";
    public string Id(int index) => $"img{index:D4}";

    public (RgbImage Image, PixelBox? Region) Load(int index)
    {
        Interlocked.Increment(ref Loads);
        var (w, h) = _sizes[index];
        var pixels = new byte[3 * w * h];
        new Random(_seed * 7919 + index).NextBytes(pixels);
        return (new RgbImage(w, h, pixels), null);
    }
}

/// <summary>Nearest-neighbour resize to a fixed size, values scaled to [0, 1] (a deliberately different preprocessor).</summary>
sealed class NearestResize(int size, float scale = 1f / 255) : IPreprocessor
{
    public int Channels => 3;
    public int Height => size;
    public int Width => size;
    public string Description => FormattableString.Invariant($"nearest {size}x{size} scale {scale}");

    public void Fill(RgbImage image, PixelBox? region, Span<float> destination)
    {
        int plane = size * size;
        for (int y = 0; y < size; y++)
        for (int x = 0; x < size; x++)
        {
            int sx = x * image.Width / size, sy = y * image.Height / size;
            for (int c = 0; c < 3; c++)
                destination[c * plane + y * size + x] = image.Pixels[3 * (sy * image.Width + sx) + c] * scale;
        }
    }
}

/// <summary>Collects reports synchronously (System.Progress would post to the thread pool) and runs a hook on each.</summary>
sealed class RecordingProgress(Action<ExtractionProgress, int>? onReport = null) : IProgress<ExtractionProgress>
{
    public readonly List<ExtractionProgress> Reports = [];

    public void Report(ExtractionProgress value)
    {
        int count;
        lock (Reports) { Reports.Add(value); count = Reports.Count; }
        onReport?.Invoke(value, count);
    }
}
