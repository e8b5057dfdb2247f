using System.Globalization;
using LayerProbe.Probes;

namespace LayerProbe.Detection;

/// <summary>
/// Detections in the VOC devkit's result format, one file per class, <c>comp4_det_SPLIT_CLASS.txt</c> (comp4: trained
/// on data outside VOC's own annotations is allowed), under <c>results/YEAR/Main/</c> as the devkit lays it out, so
/// that the official <c>VOCevaldet</c> can be run on them. Lines are <c>image_id score x1 y1 x2 y2</c> (VOC 1-based
/// pixels) in the order they were evaluated; scores are written to round-trip exactly (R-CNN prints <c>%f</c>, which
/// can turn distinct scores into ties), so the devkit ranks them as the in-process evaluation did.
/// </summary>
public static class Comp4Files
{
    /// <summary>The devkit's folder for results of devkit year folder <paramref name="year"/> (e.g. VOC2007).</summary>
    public static string Folder(string outputDirectory, string year) => Path.Combine(outputDirectory, "results", year, "Main");

    /// <summary>The file name of one class's detections on <paramref name="split"/>.</summary>
    public static string FileName(string split, string className) => $"comp4_det_{split}_{className}.txt";

    /// <summary>Writes one class's detections (atomically); returns the path.</summary>
    public static string Write(string folder, string split, string className, IReadOnlyList<Probes.Detection> detections)
    {
        Directory.CreateDirectory(folder);
        string path = Path.Combine(folder, FileName(split, className));
        AtomicFile.Write(path, stream =>
        {
            using var writer = new StreamWriter(stream, new System.Text.UTF8Encoding(false), 1 << 16, leaveOpen: true) { NewLine = "\n" };
            foreach (var d in detections)
                writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{d.ImageId} {d.Score:R} {d.Box.X1:R} {d.Box.Y1:R} {d.Box.X2:R} {d.Box.Y2:R}"));
        });
        return path;
    }
}
