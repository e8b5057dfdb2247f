using System.Diagnostics;
using System.Globalization;
using LayerProbe.Data;
using LayerProbe.Proposals;
using Xunit.Abstractions;

namespace LayerProbe.Tests.Proposals;

/// <summary>
/// Our selective search (OpenCvSharp, configured as R-CNN's fast mode) against Debian's python3-opencv configured the
/// same way by hand, on the three real VOC photographs of Debian's labelme-examples with their GT boxes.
/// </summary>
public class SelectiveSearchReferenceTests(ITestOutputHelper output)
{
    public const string LabelmeVoc = "/usr/share/doc/labelme-examples/examples/bbox_detection/data_dataset_voc";

    public static string[] LabelmeIds => ["2011_000003", "2011_000006", "2011_000025"];

    /// <summary>cv2.ximgproc selective search with HSV + Lab, k 50/100 (min_size = k, σ 0.8) and the two strategies; boxes with sides ≥ 20, VOC pixels.</summary>
    static (List<PixelBox[]> Boxes, double[] Seconds) Reference(IReadOnlyList<string> paths)
    {
        var script = $$"""
            import cv2, time
            cv2.setNumThreads(1)
            S = cv2.ximgproc.segmentation
            for path in [{{string.Join(",", paths.Select(p => $"'{p}'"))}}]:
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
        var lines = PythonReference.RunOrFail(script);
        var boxes = new List<PixelBox[]>();
        var seconds = new List<double>();
        for (int at = 0; at < lines.Count;)
        {
            var head = lines[at++].Split(' ');
            seconds.Add(double.Parse(head[1], CultureInfo.InvariantCulture));
            int n = int.Parse(head[2], CultureInfo.InvariantCulture);
            boxes.Add([.. lines.Skip(at).Take(n).Select(l => l.Split(' ').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray())
                .Select(v => new PixelBox(v[0], v[1], v[2], v[3]))]);
            at += n;
        }
        return (boxes, [.. seconds]);
    }

    [OpenCvPythonFact]
    public void Fast_mode_recall_matches_python_opencv_configured_the_same_way()
    {
        var paths = LabelmeIds.Select(id => $"{LabelmeVoc}/JPEGImages/{id}.jpg").ToArray();
        var gt = LabelmeIds.Select(id => VocAnnotationReader.Read($"{LabelmeVoc}/Annotations/{id}.xml").Objects.Select(o => o.Box).ToArray()).ToArray();
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
            Assert.All(result.Boxes, b => Assert.True(b.X1 >= 1 && b.Y1 >= 1 && b.X2 <= result.Width && b.Y2 <= result.Height && b.Width >= 20 && b.Height >= 20, $"{b}"));
            Assert.Equal(result.Boxes.Count, result.Boxes.Distinct().Count());
            // the last merge of every hierarchy is the whole image: [1, 1, W, H] in VOC pixels (OpenCV's rect is 0-based x, y, w, h)
            Assert.Contains(PixelBox.WholeImage(result.Width, result.Height), result.Boxes);
        }

        var (ourRecall, ourMabo) = ProposalQuality.Summarise(gt.SelectMany((g, i) => ProposalQuality.BestOverlaps(g, ours[i])));
        var (theirRecall, theirMabo) = ProposalQuality.Summarise(gt.SelectMany((g, i) => ProposalQuality.BestOverlaps(g, theirs[i])));
        double ourCount = ours.Average(b => b.Count), theirCount = theirs.Average(b => b.Length);
        double shared = Enumerable.Range(0, paths.Length).Average(i => ours[i].Intersect(theirs[i]).Count() / (double)ours[i].Union(theirs[i]).Count());
        output.WriteLine($"{gt.Sum(g => g.Length)} GT boxes in {paths.Length} labelme-examples VOC photos");
        output.WriteLine($"| | boxes/image | recall IoU≥0.5 | MABO | s/image (1 core) |");
        output.WriteLine($"| ours (OpenCvSharp {OpenCvSharp.Cv2.GetVersionString()}) | {ourCount:F0} | {ourRecall:P1} | {ourMabo:F3} | {ourSeconds.Average():F2} |");
        output.WriteLine($"| python3-opencv | {theirCount:F0} | {theirRecall:P1} | {theirMabo:F3} | {theirSeconds.Average():F2} |");
        output.WriteLine($"box sets: mean Jaccard {shared:F3}");

        Assert.True(Math.Abs(ourRecall - theirRecall) <= 0.02, $"recall {ourRecall:P1} vs python3-opencv {theirRecall:P1}");
        Assert.InRange(ourCount / theirCount, 0.9, 1.1);
        Assert.True(Math.Abs(ourMabo - theirMabo) <= 0.02, $"MABO {ourMabo:F3} vs {theirMabo:F3}");
    }

    [Fact]
    public void Ranking_depends_only_on_the_set_of_boxes()
    {
        var random = new Random(5);
        var boxes = Enumerable.Range(0, 300).Select(_ =>
        {
            int x = random.Next(1, 400), y = random.Next(1, 300);
            return new PixelBox(x, y, x + random.Next(19, 100), y + random.Next(19, 70));
        }).Distinct().ToArray();
        var ranked = ProposalRanking.Order(boxes, 0);
        Assert.Equal(boxes.OrderBy(b => b.GetHashCode()), ranked.OrderBy(b => b.GetHashCode()));
        Assert.Equal(ranked, ProposalRanking.Order([.. boxes.Reverse()], 0));
        Assert.NotEqual(ranked, ProposalRanking.Order(boxes, 1));
        // level × U(0,1): the largest boxes tend to come first, but the order is not simply by area
        double meanAreaFirstHalf = ranked.Take(150).Average(b => b.Area), meanAreaSecondHalf = ranked.Skip(150).Average(b => b.Area);
        Assert.True(meanAreaFirstHalf > meanAreaSecondHalf, $"{meanAreaFirstHalf} vs {meanAreaSecondHalf}");
        Assert.NotEqual(boxes.OrderByDescending(b => b.Area).ToArray(), ranked);
    }
}
