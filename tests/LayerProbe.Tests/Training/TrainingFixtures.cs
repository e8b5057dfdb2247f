using Google.Protobuf;
using LayerProbe.Networks;
using LayerProbe.Training;

namespace LayerProbe.Tests.Training;

/// <summary>Small networks and synthetic data for training tests.</summary>
static class TrainingFixtures
{
    /// <summary>A CaffeNet-mini for 1×28×28 inputs (conv1 5×5 stride 2), fc width 64.</summary>
    public static OnnxNetwork Mini(int classes = 4, int seed = 3, int size = 28, int channels = 1) =>
        OnnxNetwork.FromBytes(CaffeNet.Build(CaffeNetSpec.Mini(size, channels, 8, 64, classes, seed)).ToByteArray(), "caffenet-mini");

    /// <summary>
    /// Learnable synthetic items: class k is a bright square in quadrant k (plus Gaussian noise), on the raw
    /// mean-subtracted pixel scale.
    /// </summary>
    public static InMemoryTrainingSource Quadrants(int count, int size, int seed, int classes = 4, int channels = 1)
    {
        var random = new Random(seed);
        var items = new float[count * channels * size * size];
        var labels = new int[count];
        int half = size / 2;
        for (int n = 0; n < count; n++)
        {
            int k = labels[n] = random.Next(classes);
            for (int c = 0; c < channels; c++)
                for (int y = 0; y < size; y++)
                    for (int x = 0; x < size; x++)
                    {
                        bool inside = (y < half) == (k % 2 == 0) && (x < half) == (k / 2 % 2 == 0);
                        double noise = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
                        items[((n * channels + c) * size + y) * size + x] = (float)((inside ? 60 : -20) + 30 * noise);
                    }
        }
        return new InMemoryTrainingSource("quadrants", items, labels, [channels, size, size], classes);
    }

    public static string TempDir()
    {
        var dir = Path.Combine(Path.GetTempPath(), "layerprobe-train-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>Every parameter as raw bytes, by name.</summary>
    public static Dictionary<string, byte[]> Bytes(LayerProbe.Networks.Torch.TorchNetwork net) =>
        net.Weights.ToDictionary(w => w.Key, w =>
        {
            using var c = w.Value.detach().contiguous();
            return System.Runtime.InteropServices.MemoryMarshal.AsBytes(c.data<float>().ToArray().AsSpan()).ToArray();
        });
}
