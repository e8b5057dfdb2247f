using System.Diagnostics;
using System.Globalization;
using LayerProbe.Data;
using LayerProbe.Proposals;

namespace LayerProbe.Bench;

/// <summary>
/// Selective search on the images of a VOC devkit split, one image at a time on one thread: boxes per image, recall of
/// the ground-truth boxes at IoU ≥ 0.5, mean best overlap (MABO) and CPU seconds per image, against R-CNN's target of
/// ~98 % recall at ~2,000 boxes on PASCAL (docs/method.md §7.1).
/// </summary>
public sealed class ProposalQualityBench : IBenchmark
{
    const double TargetRecall = 0.97;

    /// <inheritdoc/>
    public string Name => "proposals";
    /// <inheritdoc/>
    public string Description => $"selective search (fast mode) on a devkit split: boxes/image, recall at IoU 0.5 (target ≥ {TargetRecall:P0}), MABO, CPU s/image; args: DEVKIT SPLIT [images]";

    /// <inheritdoc/>
    public int Run(string[] args)
    {
        if (args.Length < 2) { Console.Error.WriteLine($"usage: layerprobe-bench {Name} VOCdevkit/VOC2007 SPLIT [images]"); return 2; }
        var devkit = new VocDevkit(args[0]);
        var ids = devkit.ImageIds(args[1]);
        int n = args.Length > 2 ? Math.Min(int.Parse(args[2], CultureInfo.InvariantCulture), ids.Count) : ids.Count;
        OpenCvSharp.Cv2.SetNumThreads(1);
        var overlaps = new List<double>();
        long boxes = 0;
        double cpuSeconds = 0;
        var process = Process.GetCurrentProcess();
        for (int i = 0; i < n; i++)
        {
            var annotation = devkit.Annotation(ids[i]);
            byte[] bytes = File.ReadAllBytes(devkit.ImagePath(ids[i]));
            process.Refresh();
            var before = process.TotalProcessorTime;
            var proposals = SelectiveSearch.Run(bytes, SelectiveSearchSettings.Fast, devkit.ImagePath(ids[i]));
            process.Refresh();
            cpuSeconds += (process.TotalProcessorTime - before).TotalSeconds;
            boxes += proposals.Boxes.Count;
            overlaps.AddRange(ProposalQuality.BestOverlaps([.. annotation.Objects.Select(o => o.Box)], proposals.Boxes));
            if ((i + 1) % 50 == 0 || i + 1 == n) Console.WriteLine($"proposals: {i + 1}/{n} images");
        }
        var (recall, mabo) = ProposalQuality.Summarise(overlaps);
        Console.WriteLine($"{n} images of {args[0]} {args[1]}, {overlaps.Count} ground-truth boxes (difficult included)");
        Console.WriteLine($"boxes per image      {boxes / (double)n,10:F0}   (R-CNN: ~2,000 on PASCAL)");
        Console.WriteLine($"recall at IoU >= 0.5 {recall,10:P1}   (target >= {TargetRecall:P0}; R-CNN: ~98 % on PASCAL)");
        Console.WriteLine($"MABO                 {mabo,10:F3}   (Uijlings et al. fast mode on PASCAL: ~0.80)");
        Console.WriteLine($"CPU s per image      {cpuSeconds / n,10:F3}   (one thread)");
        return recall >= TargetRecall ? 0 : 1;
    }
}
