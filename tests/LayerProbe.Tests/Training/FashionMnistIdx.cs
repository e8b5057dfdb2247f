using System.IO.Compression;
using LayerProbe.Training;

namespace LayerProbe.Tests.Training;

/// <summary>
/// Test-side reader of the Debian Fashion-MNIST IDX files (gzip; big-endian header, magic 2051 images / 2049 labels).
/// The library's reader lives in Data/ (data branch); this small helper only feeds training tests and benchmarks.
/// Pixels become floats with the training-set mean pixel subtracted (Caffe's mean subtraction, raw 0–255 scale).
/// </summary>
static class FashionMnistIdx
{
    public const string Folder = "/usr/share/datasets/fashion-mnist";
    public const int Classes = 10;

    public static bool Available => File.Exists(Path.Combine(Folder, "train-images-idx3-ubyte.gz"));

    /// <summary>Train ("train") or test ("t10k") split, first <paramref name="limit"/> items (0: all), padded by <paramref name="pad"/> px.</summary>
    public static InMemoryTrainingSource Load(string split, int limit = 0, float mean = 72.94f, float scale = 1f, int pad = 0)
    {
        var images = ReadIdx(Path.Combine(Folder, $"{split}-images-idx3-ubyte.gz"), 2051, out var dims);
        var labels = ReadIdx(Path.Combine(Folder, $"{split}-labels-idx1-ubyte.gz"), 2049, out _);
        int count = limit > 0 ? Math.Min(limit, labels.Length) : labels.Length;
        int h = dims[1], w = dims[2], H = h + 2 * pad, W = w + 2 * pad;
        var items = new float[(long)count * H * W];
        for (int n = 0; n < count; n++)
            for (int y = 0; y < H; y++)
                for (int x = 0; x < W; x++)
                {
                    int sy = y - pad, sx = x - pad;
                    float v = sy >= 0 && sy < h && sx >= 0 && sx < w ? images[(n * h + sy) * w + sx] : 0f;
                    items[((long)n * H + y) * W + x] = (v - mean) * scale;
                }
        return new InMemoryTrainingSource($"fashion-mnist {split}", items, labels.Take(count).Select(l => (int)l).ToArray(), [1, H, W], Classes);
    }

    static byte[] ReadIdx(string path, int magic, out int[] dims)
    {
        using var gz = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        using var r = new BinaryReader(gz);
        int Read() => System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(r.ReadInt32());
        int m = Read();
        if (m != magic) throw new InvalidDataException($"{path}: magic {m}, expected {magic}");
        dims = new int[m & 0xFF];
        for (int i = 0; i < dims.Length; i++) dims[i] = Read();
        long total = dims.Aggregate(1L, (a, b) => a * b);
        var data = r.ReadBytes(checked((int)total));
        if (data.Length != total) throw new InvalidDataException($"{path}: truncated");
        return data;
    }
}
