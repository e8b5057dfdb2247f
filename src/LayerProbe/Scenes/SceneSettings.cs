using LayerProbe.Data;

namespace LayerProbe.Scenes;

/// <summary>What <c>layerprobe make-scenes</c> generates; all of it is recorded in the data set's manifest.</summary>
public sealed record SceneSettings
{
    /// <summary>Number of images (trainval + test).</summary>
    public int Images { get; init; } = 600;
    /// <summary>Seed: the same seed and inputs give byte-identical output.</summary>
    public int Seed { get; init; }
    /// <summary>Image width in pixels.</summary>
    public int Width { get; init; } = 320;
    /// <summary>Image height in pixels.</summary>
    public int Height { get; init; } = 240;
    /// <summary>Percentage of images in the test split (the last ids).</summary>
    public int TestPercent { get; init; } = 50;
    /// <summary>JPEG quality (1–100).</summary>
    public int Quality { get; init; } = 90;
    /// <summary>Fashion-MNIST folder: trainval scenes use its train items, test scenes its t10k items.</summary>
    public string FashionMnistFolder { get; init; } = FashionMnist.DefaultFolder;
    /// <summary>Folder of background photographs (baseline JPEGs).</summary>
    public string BackgroundsFolder { get; init; } = BackgroundPhotos.DefaultFolder;

    /// <summary>Throws for values outside what the generator can make.</summary>
    public void Validate()
    {
        if (Images < 2) throw new LayerProbeException($"make-scenes: --images must be at least 2 (got {Images})");
        int least = SceneLayout.MaxSide + 2 * SceneLayout.Margin;
        if (Width < least || Height < least || Width > 4096 || Height > 4096)
            throw new LayerProbeException($"make-scenes: --size {Width}x{Height} is outside {least}x{least} … 4096x4096 (items are up to {SceneLayout.MaxSide} px)");
        if (TestPercent is < 1 or > 99) throw new LayerProbeException($"make-scenes: --test-percent must be 1–99 (got {TestPercent})");
        if (Quality is < 50 or > 100) throw new LayerProbeException($"make-scenes: --quality must be 50–100 (got {Quality})");
    }

    /// <summary>Number of test images (the rest are trainval).</summary>
    public int TestImages => Math.Max(1, Images * TestPercent / 100);
}
