using System.Diagnostics;
using LayerProbe.Data;
using LayerProbe.Scenes;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace LayerProbe.Bench;

/// <summary>
/// Fashion-MNIST scenes, one thread: ms per scene for composing + painting and for the integer JPEG encoder, against
/// ImageSharp's (SIMD) JPEG encoder on the same images, and the target of a few ms per scene. Times are the process's
/// CPU time over each single-threaded phase (stable on a shared machine), wall time beside.
/// </summary>
public sealed class ScenesBenchmark : IBenchmark
{
    const double TargetMs = 5;

    /// <inheritdoc/>
    public string Name => "scenes";
    /// <inheritdoc/>
    public string Description => $"make-scenes ms per 320x240 scene on one thread (target {TargetMs} ms) vs ImageSharp's JPEG encoder; args: [scenes]";

    /// <inheritdoc/>
    public int Run(string[] args)
    {
        int n = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 300;
        var settings = new SceneSettings();
        var clock = Stopwatch.StartNew();
        var items = FashionMnist.Load("train");
        var photos = BackgroundPhotos.Load();
        Console.WriteLine($"start-up: Fashion-MNIST + {photos.Photos.Count} photos decoded in {clock.Elapsed.TotalSeconds:F2} s");

        for (int i = 0; i < 30; i++) BaselineJpegEncoder.Encode(FashionScenes.Scene(settings, i, items, photos).Image, 90); // warm-up
        var images = new RgbImage[n];
        var cpu = Cpu();
        clock.Restart();
        for (int i = 0; i < n; i++) images[i] = FashionScenes.Scene(settings, i, items, photos).Image;
        double composeMs = (Cpu() - cpu) / n, composeWall = clock.Elapsed.TotalMilliseconds / n;
        cpu = Cpu();
        clock.Restart();
        long bytes = 0;
        foreach (var image in images) bytes += BaselineJpegEncoder.Encode(image, 90).Length;
        double encodeMs = (Cpu() - cpu) / n, encodeWall = clock.Elapsed.TotalMilliseconds / n;

        var encoder = new SixLabors.ImageSharp.Formats.Jpeg.JpegEncoder { Quality = 90, ColorType = SixLabors.ImageSharp.Formats.Jpeg.JpegColorType.YCbCrRatio420 };
        long referenceBytes = 0;
        void Reference(RgbImage image)
        {
            using var img = Image.LoadPixelData<Rgb24>(image.Pixels, image.Width, image.Height);
            var ms = new MemoryStream();
            img.SaveAsJpeg(ms, encoder);
            referenceBytes += ms.Length;
        }
        for (int i = 0; i < 30; i++) Reference(images[i % n]);
        referenceBytes = 0;
        cpu = Cpu();
        foreach (var image in images) Reference(image);
        double referenceMs = (Cpu() - cpu) / n;

        double total = composeMs + encodeMs;
        Console.WriteLine($"{n} scenes, 1 thread, CPU ms per scene: compose + paint {composeMs:F2} (wall {composeWall:F2}), " +
                          $"integer JPEG encode {encodeMs:F2} (wall {encodeWall:F2}; {bytes / n / 1024.0:F1} KiB), total {total:F2} ms (target {TargetMs} ms)");
        Console.WriteLine($"ImageSharp JPEG encode (q90 4:2:0, SIMD, not machine-independent): {referenceMs:F2} ms ({referenceBytes / n / 1024.0:F1} KiB); " +
                          $"ours/ImageSharp {encodeMs / referenceMs:F2}x");
        return total <= TargetMs ? 0 : 1;
    }

    static double Cpu() => Process.GetCurrentProcess().TotalProcessorTime.TotalMilliseconds;
}
