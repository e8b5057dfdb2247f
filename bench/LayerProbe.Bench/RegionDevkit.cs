using Google.Protobuf;
using System.Globalization;
using LayerProbe.Data;
using LayerProbe.Proposals;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Processing;

namespace LayerProbe.Bench;

/// <summary>
/// A VOC devkit for the region benchmarks: the labelme-examples VOC photographs (real photos), either as they are
/// (cycled) or as distinct 500×375 crops (VOC's typical image size), one GT object each, and a store of seeded random
/// proposals (sides ≥ 20 px) imported from CSV. Returns the region data spec <c>voc2007:…:test:proposals:STORE</c>.
/// </summary>
static class RegionDevkit
{
    const string Photos = "/usr/share/doc/labelme-examples/examples/bbox_detection/data_dataset_voc";

    /// <summary>The region spec of a devkit under <paramref name="directory"/> with <paramref name="images"/> images × <paramref name="perImage"/> proposals.</summary>
    public static string Create(string directory, int images, int perImage, bool voc500x375 = false)
    {
        string root = Path.Combine(directory, "VOC2007");
        foreach (var sub in new[] { "JPEGImages", "Annotations", Path.Combine("ImageSets", "Main") }) Directory.CreateDirectory(Path.Combine(root, sub));
        var photos = Directory.GetFiles(Path.Combine(Photos, "JPEGImages"), "*.jpg").Order().ToArray();
        var ids = Enumerable.Range(0, images).Select(i => $"{i:D6}").ToArray();
        var random = new Random(1);
        using var csv = new StreamWriter(Path.Combine(directory, "proposals.csv"));
        for (int i = 0; i < images; i++)
        {
            string photo = photos[i % photos.Length], jpeg = Path.Combine(root, "JPEGImages", ids[i] + ".jpg");
            if (voc500x375) Crop500x375(photo, i, jpeg);
            else File.Copy(photo, jpeg);
            var size = ImageDecoder.Decode(jpeg);
            File.WriteAllText(Path.Combine(root, "Annotations", ids[i] + ".xml"),
                $"<annotation><size><width>{size.Width}</width><height>{size.Height}</height><depth>3</depth></size><object><name>person</name><difficult>0</difficult>" +
                $"<bndbox><xmin>50</xmin><ymin>40</ymin><xmax>{size.Width / 2}</xmax><ymax>{size.Height - 10}</ymax></bndbox></object></annotation>");
            for (int r = 0; r < perImage; r++)
            {
                int x1 = random.Next(1, size.Width - 30), y1 = random.Next(1, size.Height - 30);
                csv.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{ids[i]},{x1},{y1},{Math.Min(size.Width, x1 + random.Next(20, 300))},{Math.Min(size.Height, y1 + random.Next(20, 250))}"));
            }
        }
        csv.Close();
        File.WriteAllLines(Path.Combine(root, "ImageSets", "Main", "test.txt"), ids);
        string store = ProposalImport.Import(ImageFileSet.FromSpec($"voc2007:{root}:test"), Path.Combine(directory, "proposals.csv"), Path.Combine(directory, "proposals")).Directory;
        return $"voc2007:{root}:test:proposals:{store}";
    }

    /// <summary>A distinct 500×375 window of the photo (shifted per image), saved as JPEG.</summary>
    static void Crop500x375(string photo, int k, string path)
    {
        using var image = Image.Load(photo);
        int w = Math.Min(image.Width, image.Height * 4 / 3), h = w * 3 / 4;
        int x = (k * 7) % (image.Width - w + 1), y = (k * 5) % (image.Height - h + 1);
        image.Mutate(m => m.Crop(new Rectangle(x, y, w, h)).Resize(500, 375));
        image.SaveAsJpeg(path);
    }

    /// <summary>Resident set size now (Linux VmRSS) in MiB, or NaN elsewhere.</summary>
    public static double RssMegabytes()
    {
        const string status = "/proc/self/status";
        if (!File.Exists(status)) return double.NaN;
        foreach (var line in File.ReadLines(status))
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                return double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
        return double.NaN;
    }

    /// <summary>The one-minute load average (the machine is shared: printed beside every timing).</summary>
    /// <summary>The network of a region bench: <c>--model M</c>, or full CaffeNet (random weights) written into <paramref name="work"/>.</summary>
    public static string Model(string[] args, string work)
    {
        if (Arg(args, "--model") is { } given) return given;
        string path = Path.Combine(work, "caffenet.onnx");
        File.WriteAllBytes(path, Networks.CaffeNet.Build(Networks.CaffeNetSpec.Full()).ToByteArray());
        return path;
    }

    /// <summary>The integer value of option <paramref name="name"/>, or <paramref name="fallback"/> when it is not given.</summary>
    public static int Int(string[] args, string name, int fallback) => Arg(args, name) is { } text ? int.Parse(text) : fallback;

    public static string Load() => File.ReadAllText("/proc/loadavg").Split(' ')[0];

    public static string? Arg(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
