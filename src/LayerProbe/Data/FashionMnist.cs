namespace LayerProbe.Data;

/// <summary>
/// Fashion-MNIST (Debian <c>dataset-fashion-mnist</c>): 28×28 grey images with 10 class labels, read from the gzip IDX
/// files <c>{train,t10k}-{images-idx3,labels-idx1}-ubyte.gz</c>.
/// </summary>
public sealed class FashionMnist
{
    /// <summary>Default location of the Debian package's files.</summary>
    public const string DefaultFolder = "/usr/share/datasets/fashion-mnist";
    /// <summary>Image side.</summary>
    public const int Side = 28;

    /// <summary>The 10 class names, label order.</summary>
    public static IReadOnlyList<string> ClassNames { get; } =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    readonly byte[] _pixels;

    FashionMnist(string split, string imagesPath, string labelsPath, byte[] pixels, byte[] labels)
    {
        Split = split; ImagesPath = imagesPath; LabelsPath = labelsPath; _pixels = pixels; Labels = labels;
    }

    /// <summary>Reads split <paramref name="split"/> ("train" or "t10k"; "test" is accepted for t10k).</summary>
    public static FashionMnist Load(string split, string folder = DefaultFolder)
    {
        var prefix = split switch
        {
            "train" => "train",
            "t10k" or "test" => "t10k",
            _ => throw LayerProbeException.For(split, "unknown Fashion-MNIST split (train, t10k)"),
        };
        string imagesPath = Path.Combine(folder, $"{prefix}-images-idx3-ubyte.gz"), labelsPath = Path.Combine(folder, $"{prefix}-labels-idx1-ubyte.gz");
        var (imageShape, pixels) = IdxFile.ReadBytes(imagesPath, 3);
        if (imageShape[1] != Side || imageShape[2] != Side)
            throw LayerProbeException.For(imagesPath, $"images are {imageShape[1]}x{imageShape[2]}, expected {Side}x{Side}");
        var (labelShape, labels) = IdxFile.ReadBytes(labelsPath, 1);
        if (labelShape[0] != imageShape[0])
            throw LayerProbeException.For(labelsPath, $"{labelShape[0]} labels for {imageShape[0]} images in {imagesPath}");
        int bad = Array.FindIndex(labels, l => l >= ClassNames.Count);
        if (bad >= 0) throw LayerProbeException.For(labelsPath, $"label {labels[bad]} of item {bad} is not a class (0–9)");
        return new FashionMnist(prefix, imagesPath, labelsPath, pixels, labels);
    }

    /// <summary>"train" or "t10k".</summary>
    public string Split { get; }
    /// <summary>Images file.</summary>
    public string ImagesPath { get; }
    /// <summary>Labels file.</summary>
    public string LabelsPath { get; }
    /// <summary>Number of images.</summary>
    public int Count => Labels.Length;
    /// <summary>Class index of each image.</summary>
    public byte[] Labels { get; }
    /// <summary>The grey pixels of image <paramref name="index"/> (row-major 28×28).</summary>
    public ReadOnlySpan<byte> Grey(int index) => _pixels.AsSpan(index * Side * Side, Side * Side);

    /// <summary>Image <paramref name="index"/> as RGB: the grey value replicated in all three channels.</summary>
    public RgbImage Image(int index)
    {
        var grey = Grey(index);
        var rgb = new byte[3 * grey.Length];
        for (int i = 0; i < grey.Length; i++) rgb[3 * i] = rgb[3 * i + 1] = rgb[3 * i + 2] = grey[i];
        return new RgbImage(Side, Side, rgb);
    }
}
