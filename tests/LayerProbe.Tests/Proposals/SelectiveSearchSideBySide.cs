using System.Diagnostics;
using System.Globalization;
using LayerProbe.Data;
using LayerProbe.Proposals;

namespace LayerProbe.Tests.Proposals;

/// <summary>
/// Our selective search (OpenCvSharp, R-CNN's fast mode) and Debian's python3-opencv <c>cv2.ximgproc.segmentation</c>
/// configured the same way by hand (docs/method.md §7.2: HSV + Lab, k 50/100 with min_size = k, σ 0.8, the two strategy
/// sets, boxes with sides ≥ 20) on the same image files, scored against the same ground-truth boxes.
/// </summary>
sealed record SelectiveSearchSideBySide(int Images, int GtBoxes, SelectiveSearchSideBySide.Side Ours, SelectiveSearchSideBySide.Side Theirs, double MeanJaccard)
{
    /// <summary>One implementation's result: boxes per image, recall at IoU ≥ 0.5, MABO, CPU seconds per image (one thread).</summary>
    public sealed record Side(string Name, double BoxesPerImage, double Recall, double Mabo, double SecondsPerImage, IReadOnlyList<IReadOnlyList<PixelBox>> Boxes);

    /// <summary>Runs both on <paramref name="paths"/> and scores them against <paramref name="groundTruth"/> (one array per image).</summary>
    public static SelectiveSearchSideBySide Run(IReadOnlyList<string> paths, IReadOnlyList<PixelBox[]> groundTruth)
    {
        var (theirs, theirSeconds) = Reference(paths);
        var ours = new List<IReadOnlyList<PixelBox>>();
        var ourSeconds = new List<double>();
        foreach (var path in paths)
        {
            var bytes = File.ReadAllBytes(path);
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var result = SelectiveSearch.Run(bytes, SelectiveSearchSettings.Fast, path);
            ourSeconds.Add((Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds);
            ours.Add(result.Boxes);
        }
        double shared = Enumerable.Range(0, paths.Count).Average(i => ours[i].Intersect(theirs[i]).Count() / (double)ours[i].Union(theirs[i]).Count());
        return new(paths.Count, groundTruth.Sum(g => g.Length),
            Score($"ours (OpenCvSharp {OpenCvSharp.Cv2.GetVersionString()})", ours, ourSeconds, groundTruth),
            Score("python3-opencv (cv2.ximgproc)", theirs, [.. theirSeconds], groundTruth), shared);
    }

    static Side Score(string name, IReadOnlyList<IReadOnlyList<PixelBox>> boxes, IReadOnlyList<double> seconds, IReadOnlyList<PixelBox[]> gt)
    {
        var (recall, mabo) = ProposalQuality.Summarise(gt.SelectMany((g, i) => ProposalQuality.BestOverlaps(g, boxes[i])));
        return new(name, boxes.Average(b => b.Count), recall, mabo, seconds.Average(), boxes);
    }

    /// <summary>The side-by-side as a Markdown table.</summary>
    public IEnumerable<string> Table()
    {
        yield return $"{GtBoxes} GT boxes in {Images} images";
        yield return "| | boxes/image | recall IoU≥0.5 | MABO | CPU s/image (1 thread) |";
        yield return "|---|---:|---:|---:|---:|";
        foreach (var s in new[] { Ours, Theirs })
            yield return $"| {s.Name} | {s.BoxesPerImage:F0} | {s.Recall:P1} | {s.Mabo:F3} | {s.SecondsPerImage:F2} |";
        yield return $"box sets: mean Jaccard {MeanJaccard:F3}";
    }

    /// <summary>cv2.ximgproc selective search configured as R-CNN's fast mode; boxes in VOC pixels and CPU seconds per image.</summary>
    static (List<PixelBox[]> Boxes, double[] Seconds) Reference(IReadOnlyList<string> paths)
    {
        var script = $$"""
            import cv2, sys, time
            cv2.setNumThreads(1)
            S = cv2.ximgproc.segmentation
            for path in sys.stdin.read().splitlines():
                img = cv2.imread(path)
                ss = S.createSelectiveSearchSegmentation()
                ss.addImage(cv2.cvtColor(img, cv2.COLOR_BGR2HSV))
                ss.addImage(cv2.cvtColor(img, cv2.COLOR_BGR2Lab))
                for k in (50, 100):
                    ss.addGraphSegmentation(S.createGraphSegmentation(0.8, k, k))
                ss.addStrategy(S.createSelectiveSearchSegmentationStrategyMultiple(S.createSelectiveSearchSegmentationStrategyColor(),
                    S.createSelectiveSearchSegmentationStrategyTexture(), S.createSelectiveSearchSegmentationStrategySize(), S.createSelectiveSearchSegmentationStrategyFill()))
                ss.addStrategy(S.createSelectiveSearchSegmentationStrategyMultiple(S.createSelectiveSearchSegmentationStrategyTexture(),
                    S.createSelectiveSearchSegmentationStrategySize(), S.createSelectiveSearchSegmentationStrategyFill()))
                t = time.process_time()
                rects = ss.process()
                t = time.process_time() - t
                kept = [(x + 1, y + 1, x + w, y + h) for (x, y, w, h) in rects if w >= 20 and h >= 20]
                print('image', t, len(kept))
                for b in kept:
                    print(*b)
            """;
        var lines = PythonReference.RunOrFail(script, string.Join('\n', paths));
        var boxes = new List<PixelBox[]>();
        var seconds = new List<double>();
        for (int at = 0; at < lines.Count;)
        {
            var head = lines[at++].Split(' ');
            seconds.Add(double.Parse(head[1], CultureInfo.InvariantCulture));
            int n = int.Parse(head[2], CultureInfo.InvariantCulture);
            boxes.Add([.. lines.GetRange(at, n).Select(l => l.Split(' ').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray())
                .Select(v => new PixelBox(v[0], v[1], v[2], v[3]))]);
            at += n;
        }
        if (boxes.Count != paths.Count) throw new InvalidOperationException($"python3-opencv answered for {boxes.Count} of {paths.Count} images");
        return (boxes, [.. seconds]);
    }
}
