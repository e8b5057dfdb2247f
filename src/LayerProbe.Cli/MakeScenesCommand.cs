using System.CommandLine;
using System.Globalization;
using LayerProbe.Data;
using LayerProbe.Scenes;

namespace LayerProbe.Cli;

/// <summary>
/// <c>layerprobe make-scenes --out DIR --images N --seed S [--size 320x240]</c>: writes the Fashion-MNIST scenes detection
/// data set as a VOC2007 devkit (<c>DIR/VOC2007</c>), deterministically and atomically.
/// </summary>
static class MakeScenesCommand
{
    public static Command Create()
    {
        var defaults = new SceneSettings();
        var output = OptionCatalogue.Out("folder to create (the devkit is DIR/VOC2007)");
        var images = new Option<int>("--images") { Description = "number of images, trainval + test", DefaultValueFactory = _ => defaults.Images };
        var seed = OptionCatalogue.Seed("seed; the same seed and inputs give byte-identical files", defaults.Seed);
        var size = new Option<string>("--image-size") { Description = "image size WxH (--size elsewhere is a network's input side)", DefaultValueFactory = _ => $"{defaults.Width}x{defaults.Height}" }.WithDeprecated("--size");
        var testPercent = new Option<int>("--test-percent") { Description = "share of images in the test split (the last ids)", DefaultValueFactory = _ => defaults.TestPercent };
        var quality = new Option<int>("--quality") { Description = "JPEG quality", DefaultValueFactory = _ => defaults.Quality };
        var fashion = new Option<string>("--fashion-mnist") { Description = "Fashion-MNIST folder", DefaultValueFactory = _ => FashionMnist.DefaultFolder };
        var backgrounds = new Option<string>("--backgrounds") { Description = "folder of background photographs (baseline JPEGs)", DefaultValueFactory = _ => BackgroundPhotos.DefaultFolder };
        var command = new Command("make-scenes",
            "Write Fashion-MNIST scenes: Fashion-MNIST items blended over real photographs, as a VOC2007 detection devkit.")
            { output, images, seed, size, testPercent, quality, fashion, backgrounds };
        command.SetAction(parse => Cli.Guard(() =>
        {
            var (width, height) = ParseSize(parse.GetValue(size)!);
            var settings = new SceneSettings
            {
                Images = parse.GetValue(images), Seed = parse.GetValue(seed), Width = width, Height = height,
                TestPercent = parse.GetValue(testPercent), Quality = parse.GetValue(quality),
                FashionMnistFolder = parse.GetValue(fashion)!, BackgroundsFolder = parse.GetValue(backgrounds)!,
            };
            var result = FashionScenes.Generate(settings, parse.GetValue(output)!);
            foreach (var skipped in result.SkippedPhotos) Console.Error.WriteLine($"make-scenes: skipped {skipped}");
            Console.WriteLine(result.AlreadyComplete
                ? $"{result.YearFolder}: already complete (same settings and inputs)"
                : $"{result.YearFolder}: {result.TrainVal} trainval + {result.Test} test images, {result.Objects} objects, " +
                  $"{1000 * result.SceneSeconds / (result.TrainVal + result.Test):F1} ms per image");
        }));
        return command;
    }

    static (int Width, int Height) ParseSize(string text)
    {
        var parts = text.ToLowerInvariant().Split('x');
        return parts.Length == 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int w)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int h) ? (w, h)
            : throw new LayerProbeException($"make-scenes: --size '{text}' is not WIDTHxHEIGHT");
    }
}
