using LayerProbe.Scenes;
using LayerProbe.Tests.Data;

namespace LayerProbe.Tests.Scenes;

/// <summary>Generates small Fashion-MNIST scene devkits once per test class (real photos; and over a black photo).</summary>
public sealed class SceneFixture : IDisposable
{
    internal TempDir Dir { get; } = new();
    public SceneSettings Settings { get; } = new() { Images = 48, Seed = 7 };
    public string Root => Dir.Combine("scenes");
    public string YearFolder => Dir.Combine("scenes", "VOC2007");
    public FashionScenes.Result Result { get; }

    public SceneSettings BlackSettings { get; }
    public string BlackYearFolder => Dir.Combine("black", "VOC2007");

    public SceneFixture()
    {
        Result = FashionScenes.Generate(Settings, Root, TextWriter.Null);
        // one flat black photograph (a baseline JPEG written by ImageSharp): every bright pixel is an object's
        var photos = Directory.CreateDirectory(Dir.Combine("black-photo")).FullName;
        using (var black = new SixLabors.ImageSharp.Image<SixLabors.ImageSharp.PixelFormats.Rgb24>(800, 600))
            SixLabors.ImageSharp.ImageExtensions.SaveAsJpeg(black, Path.Combine(photos, "black.jpg"));
        BlackSettings = new SceneSettings { Images = 40, Seed = 3, BackgroundsFolder = photos };
        FashionScenes.Generate(BlackSettings, Dir.Combine("black"), TextWriter.Null);
    }

    public void Dispose() => Dir.Dispose();

    /// <summary>Every file of a tree, relative path → bytes.</summary>
    public static SortedDictionary<string, byte[]> Files(string root) =>
        new(Directory.GetFiles(root, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(root, f), File.ReadAllBytes), StringComparer.Ordinal);
}
