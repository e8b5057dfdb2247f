using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using LayerProbe.Data;

namespace LayerProbe.Scenes;

/// <summary>
/// Fashion-MNIST scenes: a detection data set in VOC2007's devkit layout (<c>OUT/VOC2007/…</c>), generated
/// deterministically — Fashion-MNIST items blended over crops of real photographs (see <see cref="SceneLayout"/>).
/// Trainval scenes use Fashion-MNIST's train items, test scenes its t10k items. The whole devkit is written in a
/// temporary sibling folder and renamed into place at the end, so a killed run leaves no partial data set; a rerun
/// with the same settings and inputs finds the finished one and does nothing.
/// </summary>
public static class FashionScenes
{
    /// <summary>Generator name and version recorded in the manifest (changes whenever output bytes would).</summary>
    public const string Generator = "layerprobe fashion-mnist-scenes 1";

    /// <summary>What a run did: the devkit year folder, whether it was already there, seconds spent on scenes.</summary>
    public sealed record Result(string YearFolder, bool AlreadyComplete, int TrainVal, int Test, int Objects, double SceneSeconds,
        IReadOnlyList<string> SkippedPhotos);

    /// <summary>Generates the data set into <paramref name="output"/> (which must not hold anything else).</summary>
    public static Result Generate(SceneSettings settings, string output, TextWriter? progressOutput = null)
    {
        settings.Validate();
        string root = Path.GetFullPath(output).TrimEnd(Path.DirectorySeparatorChar);
        var train = FashionMnist.Load("train", settings.FashionMnistFolder);
        var test = FashionMnist.Load("t10k", settings.FashionMnistFolder);
        var photos = BackgroundPhotos.Load(settings.BackgroundsFolder);
        var manifest = Manifest(settings, train, test, photos);
        string yearFolder = Path.Combine(root, "VOC2007");
        if (Directory.Exists(root) || File.Exists(root))
            return IsSame(root, manifest) ? new Result(yearFolder, true, settings.Images - settings.TestImages, settings.TestImages, 0, 0, photos.Skipped)
                : throw LayerProbeException.For(root, "already exists and is not this data set (same settings and inputs); remove it or choose another --out");
        RemoveAbandoned(root);

        string temp = $"{root}.partial-{Environment.ProcessId}";
        bool renamed = false;
        try
        {
            if (Directory.Exists(temp)) Directory.Delete(temp, true);
            var (entries, objects, seconds) = WriteScenes(settings, Path.Combine(temp, "VOC2007"), train, test, photos, progressOutput);
            int trainVal = settings.Images - settings.TestImages;
            var trainValEntries = entries[..trainVal];
            SceneImageSets.Write(Path.Combine(temp, "VOC2007"), new Dictionary<string, IReadOnlyList<SceneImageSets.Entry>>
            {
                ["train"] = trainValEntries.Where((_, i) => i % 2 == 0).ToList(),
                ["val"] = trainValEntries.Where((_, i) => i % 2 == 1).ToList(),
                ["trainval"] = trainValEntries,
                ["test"] = entries[trainVal..],
            });
            File.WriteAllText(Path.Combine(temp, "manifest.json"), manifest.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
            try { Directory.Move(temp, root); renamed = true; }
            catch (IOException) when (Directory.Exists(root) && IsSame(root, manifest)) { } // a concurrent run finished first
            return new Result(yearFolder, false, trainVal, settings.TestImages, objects, seconds, photos.Skipped);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw LayerProbeException.For(root, $"cannot write the data set ({e.Message})", e);
        }
        finally
        {
            if (!renamed) TryDelete(temp); // a failed or superfluous run leaves nothing behind
        }
    }

    static (SceneImageSets.Entry[] Entries, int Objects, double Seconds) WriteScenes(SceneSettings settings, string yearFolder,
        FashionMnist train, FashionMnist test, BackgroundPhotos photos, TextWriter? progressOutput)
    {
        Directory.CreateDirectory(Path.Combine(yearFolder, "JPEGImages"));
        Directory.CreateDirectory(Path.Combine(yearFolder, "Annotations"));
        int trainVal = settings.Images - settings.TestImages;
        var entries = new SceneImageSets.Entry[settings.Images];
        var progress = new Progress("make-scenes", settings.Images, progressOutput);
        var clock = Stopwatch.StartNew();
        Parallel.For(0, settings.Images, i =>
        {
            string id = (i + 1).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
            var (image, photo, objects) = Scene(settings, i, i < trainVal ? train : test, photos);
            File.WriteAllBytes(Path.Combine(yearFolder, "JPEGImages", id + ".jpg"), BaselineJpegEncoder.Encode(image, settings.Quality));
            File.WriteAllText(Path.Combine(yearFolder, "Annotations", id + ".xml"),
                SceneAnnotationXml.Write(id, photo, settings.Width, settings.Height, objects));
            entries[i] = new SceneImageSets.Entry(id, objects.Select(o => (o.ClassIndex, o.Difficult)).ToList());
            progress.Advance();
        });
        return (entries, entries.Sum(e => e.Objects.Count), clock.Elapsed.TotalSeconds);
    }

    /// <summary>Scene <paramref name="index"/> of a run: its pixels, background photo and objects.</summary>
    internal static (RgbImage Image, string Photo, List<SceneObject> Objects) Scene(SceneSettings settings, int index, FashionMnist items, BackgroundPhotos photos)
    {
        var random = new SceneRandom(settings.Seed, index);
        var (image, photo) = photos.Crop(ref random, settings.Width, settings.Height);
        var objects = SceneLayout.Compose(ref random, items, settings.Width, settings.Height);
        SceneRenderer.Paint(image, objects);
        return (image, photo, objects);
    }

    static JsonObject Manifest(SceneSettings s, FashionMnist train, FashionMnist test, BackgroundPhotos photos) => new()
    {
        ["generator"] = Generator,
        ["settings"] = new JsonObject
        {
            ["images"] = s.Images, ["seed"] = s.Seed, ["width"] = s.Width, ["height"] = s.Height,
            ["test_percent"] = s.TestPercent, ["jpeg_quality"] = s.Quality,
        },
        ["classes"] = new JsonArray([.. SceneClasses.Names.Select(n => (JsonNode)n)]),
        ["fashion_mnist"] = new JsonObject
        {
            ["trainval_items"] = Sha256(train.ImagesPath), ["trainval_labels"] = Sha256(train.LabelsPath),
            ["test_items"] = Sha256(test.ImagesPath), ["test_labels"] = Sha256(test.LabelsPath),
        },
        ["backgrounds"] = new JsonArray([.. photos.Photos.Select(p => (JsonNode)new JsonObject { ["file"] = p.Name, ["sha256"] = p.Sha256 })]),
    };

    static bool IsSame(string root, JsonObject manifest)
    {
        var path = Path.Combine(root, "manifest.json");
        if (!File.Exists(path)) return false;
        try { return JsonNode.DeepEquals(JsonNode.Parse(File.ReadAllText(path)), manifest); }
        catch (JsonException) { return false; }
    }

    static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>Deletes temporary folders of runs that were killed (their process is gone).</summary>
    static void RemoveAbandoned(string root)
    {
        var parent = Path.GetDirectoryName(root)!;
        if (!Directory.Exists(parent)) return;
        foreach (var dir in Directory.GetDirectories(parent, Path.GetFileName(root) + ".partial-*"))
            if (int.TryParse(dir[(dir.LastIndexOf('-') + 1)..], out int pid) && !IsRunning(pid)) TryDelete(dir);
    }

    static bool IsRunning(int pid)
    {
        try { using var p = Process.GetProcessById(pid); return !p.HasExited; }
        catch (ArgumentException) { return false; }
    }

    static void TryDelete(string dir)
    {
        try { if (Directory.Exists(dir)) Directory.Delete(dir, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
