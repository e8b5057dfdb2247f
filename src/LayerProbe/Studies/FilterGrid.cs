using LayerProbe.Networks;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace LayerProbe.Studies;

/// <summary>
/// The paper's Fig. 1 tile image of conv1 (docs/method.md §5.3): each filter min–max normalised to [0, 1] over all its
/// weights, shown as an RGB tile (Caffe's BGR input order turned into RGB; one-channel filters in grey), enlarged by
/// nearest-neighbour <c>zoom</c>, tiles in a near-square grid separated by 1-pixel steel-blue lines. PNG via ImageSharp.
/// </summary>
public static class FilterGrid
{
    /// <summary>conv1 weights of <paramref name="network"/> as [filters, channels, height, width] and their values.</summary>
    public static (int[] Dims, float[] Values) Conv1Weights(OnnxNetwork network, string layer = "conv1")
    {
        string value = network.ResolveLayer(layer);
        var node = network.Model.Graph.Node.First(n => n.Output.Contains(value));
        var weight = node.OpType == "Conv" && node.Input.Count > 1 ? network.Model.Graph.Initializer.FirstOrDefault(i => i.Name == node.Input[1]) : null;
        if (weight is null || weight.Dims.Count != 4)
            throw LayerProbeException.For(network.Path, $"'{layer}' is not a convolution with a 4-d weight initializer");
        return (weight.Dims.Select(d => (int)d).ToArray(), OnnxTensors.ReadFloats(weight));
    }

    /// <summary>Columns and rows of the grid for <paramref name="filters"/> tiles.</summary>
    public static (int Columns, int Rows) Layout(int filters)
    {
        int columns = (int)Math.Ceiling(Math.Sqrt(filters));
        return (columns, (filters + columns - 1) / columns);
    }

    /// <summary>Image side lengths: tiles × (filter size · zoom) plus one separator pixel between and around tiles.</summary>
    public static (int Width, int Height) ImageSize(int[] dims, int zoom)
    {
        var (columns, rows) = Layout(dims[0]);
        return (columns * (dims[3] * zoom + 1) + 1, rows * (dims[2] * zoom + 1) + 1);
    }

    /// <summary>Nearest-neighbour enlargement making a tile about 40 pixels wide, at least ×4 (the paper's).</summary>
    public static int DefaultZoom(int filterWidth) => Math.Max(4, 40 / Math.Max(1, filterWidth));

    /// <summary>Writes the conv1 grid of <paramref name="network"/> to <paramref name="path"/> (PNG, atomically).</summary>
    public static void Write(OnnxNetwork network, string path, int? zoom = null)
    {
        var (dims, values) = Conv1Weights(network);
        int scale = zoom ?? DefaultZoom(dims[3]);
        int filters = dims[0], channels = dims[1], kh = dims[2], kw = dims[3], size = channels * kh * kw;
        if (channels is not (1 or 3)) throw LayerProbeException.For(network.Path, $"conv1 has {channels} input channels; only grey (1) or BGR (3) filters can be drawn");
        var (columns, _) = Layout(filters);
        var (width, height) = ImageSize(dims, scale);
        using var image = new Image<Rgb24>(width, height, new Rgb24(70, 130, 180));
        for (int f = 0; f < filters; f++)
        {
            int offset = f * size;
            var w = values.AsSpan(offset, size);
            float min = float.PositiveInfinity, max = float.NegativeInfinity;
            foreach (var v in w) { min = Math.Min(min, v); max = Math.Max(max, v); }
            float range = max > min ? max - min : 1;
            int x0 = 1 + f % columns * (kw * scale + 1), y0 = 1 + f / columns * (kh * scale + 1);
            for (int y = 0; y < kh; y++)
                for (int x = 0; x < kw; x++)
                {
                    byte Level(int c) => (byte)Math.Round(255 * (values[offset + (c * kh + y) * kw + x] - min) / range);
                    var pixel = channels == 1 ? new Rgb24(Level(0), Level(0), Level(0)) : new Rgb24(Level(2), Level(1), Level(0));
                    for (int dy = 0; dy < scale; dy++)
                        for (int dx = 0; dx < scale; dx++) image[x0 + x * scale + dx, y0 + y * scale + dy] = pixel;
                }
        }
        AtomicFile.Write(path, stream => image.SaveAsPng(stream));
    }
}
