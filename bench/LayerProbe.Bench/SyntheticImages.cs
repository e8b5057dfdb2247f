using LayerProbe.Data;

namespace LayerProbe.Bench;

/// <summary>Deterministic random RGB images already at the network input size (decode cost excluded on purpose).</summary>
sealed class SyntheticImages : IItemSet
{
    readonly RgbImage[] _images;

    public SyntheticImages(int count, int height, int width, int seed = 7)
    {
        var random = new Random(seed);
        _images = Enumerable.Range(0, count).Select(_ =>
        {
            var pixels = new byte[3 * height * width];
            random.NextBytes(pixels);
            return new RgbImage(width, height, pixels);
        }).ToArray();
        Fingerprint = $"synthetic:{count}:{height}x{width}:{seed}";
    }

    public string Name => "synthetic";
    public int Count => _images.Length;
    public string Fingerprint { get; }
    public string Id(int index) => $"synthetic/{index:D6}";
    public (RgbImage Image, PixelBox? Region) Load(int index) => (_images[index], null);
}
