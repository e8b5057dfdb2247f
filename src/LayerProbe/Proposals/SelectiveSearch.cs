using LayerProbe.Data;
using OpenCvSharp;
using OpenCvSharp.XImgProc.Segmentation;

namespace LayerProbe.Proposals;

/// <summary>
/// Selective search on one image with OpenCV's ximgproc implementation (Uijlings et al. 2013), configured by hand as
/// R-CNN's <see cref="SelectiveSearchSettings"/> (OpenCV's own <c>switchToSelectiveSearchFast</c> uses k = 150/300/450
/// and its default min_size, which is not R-CNN's fast mode). OpenCV returns the union of the groupings' boxes without
/// duplicates; boxes with a side under <see cref="SelectiveSearchSettings.MinSide"/> are dropped and the rest put in
/// R-CNN's pseudo-random order by <see cref="ProposalRanking"/> (OpenCV's own order draws from the process-wide C
/// <c>rand()</c>, so it changes with the images other threads process at the same time). Boxes are VOC pixels
/// (1-based, inclusive).
/// </summary>
public static class SelectiveSearch
{
    /// <summary>Proposals for the encoded image <paramref name="encoded"/> (JPEG, PNG…); <paramref name="source"/> names it in errors.</summary>
    public static ProposalImage Run(byte[] encoded, SelectiveSearchSettings settings, string source)
    {
        using var bgr = Cv2.ImDecode(encoded, ImreadModes.Color);
        if (bgr.Empty()) throw LayerProbeException.For(source, "cannot decode image");
        return Run(bgr, settings);
    }

    /// <summary>Proposals for a BGR 8-bit image.</summary>
    public static ProposalImage Run(Mat bgr, SelectiveSearchSettings settings)
    {
        var images = new List<Mat>();
        var segmentations = new List<GraphSegmentation>();
        var strategies = new List<SelectiveSearchSegmentationStrategy>();
        try
        {
            using var search = SelectiveSearchSegmentation.Create();
            foreach (var space in settings.ColourSpaces)
            {
                images.Add(Convert(bgr, space));
                search.AddImage(images[^1]);
            }
            foreach (int k in settings.Ks)
            {
                segmentations.Add(GraphSegmentation.Create(settings.Sigma, k, k));
                search.AddGraphSegmentation(segmentations[^1]);
            }
            foreach (var terms in settings.Strategies)
            {
                strategies.Add(Strategy(terms, strategies));
                search.AddStrategy(strategies[^1]);
            }
            search.Process(out Rect[] rects);
            var boxes = new List<PixelBox>(rects.Length);
            foreach (var r in rects)
                if (r.Width >= settings.MinSide && r.Height >= settings.MinSide)
                    boxes.Add(new PixelBox(r.X + 1, r.Y + 1, r.X + r.Width, r.Y + r.Height));
            return new ProposalImage(bgr.Width, bgr.Height, ProposalRanking.Order(boxes, settings.RankSeed));
        }
        finally
        {
            foreach (var s in strategies) s.Dispose();
            foreach (var g in segmentations) g.Dispose();
            foreach (var m in images) m.Dispose();
        }
    }

    /// <summary>A strategy summing <paramref name="terms"/>; its parts are added to <paramref name="owned"/> for disposal.</summary>
    static SelectiveSearchSegmentationStrategy Strategy(SimilarityTerms terms, List<SelectiveSearchSegmentationStrategy> owned)
    {
        var parts = new List<SelectiveSearchSegmentationStrategy>();
        if (terms.HasFlag(SimilarityTerms.Colour)) parts.Add(SelectiveSearchSegmentationStrategyColor.Create());
        if (terms.HasFlag(SimilarityTerms.Texture)) parts.Add(SelectiveSearchSegmentationStrategyTexture.Create());
        if (terms.HasFlag(SimilarityTerms.Size)) parts.Add(SelectiveSearchSegmentationStrategySize.Create());
        if (terms.HasFlag(SimilarityTerms.Fill)) parts.Add(SelectiveSearchSegmentationStrategyFill.Create());
        if (parts.Count == 1) return parts[0];
        owned.AddRange(parts);
        return parts.Count switch // OpenCV weights the parts equally (1/count), which ranks pairs as their sum does
        {
            2 => SelectiveSearchSegmentationStrategyMultiple.Create(parts[0], parts[1]),
            3 => SelectiveSearchSegmentationStrategyMultiple.Create(parts[0], parts[1], parts[2]),
            _ => SelectiveSearchSegmentationStrategyMultiple.Create(parts[0], parts[1], parts[2], parts[3]),
        };
    }

    /// <summary>The 8-bit image a grouping runs on.</summary>
    static Mat Convert(Mat bgr, ColourSpace space)
    {
        var result = new Mat();
        switch (space)
        {
            case ColourSpace.Hsv: Cv2.CvtColor(bgr, result, ColorConversionCodes.BGR2HSV); break;
            case ColourSpace.Lab: Cv2.CvtColor(bgr, result, ColorConversionCodes.BGR2Lab); break;
            case ColourSpace.Intensity: Cv2.CvtColor(bgr, result, ColorConversionCodes.BGR2GRAY); break;
            case ColourSpace.Hue:
                using (var hsv = new Mat())
                {
                    Cv2.CvtColor(bgr, hsv, ColorConversionCodes.BGR2HSV);
                    Cv2.ExtractChannel(hsv, result, 0);
                }
                break;
            case ColourSpace.RgI: NormalisedRgI(bgr, result); break;
            default: throw new ArgumentOutOfRangeException(nameof(space), space, null);
        }
        return result;
    }

    /// <summary>r = 255·R/(R+G+B), g = 255·G/(R+G+B) (0 where the sum is 0) and the grey intensity, as 8-bit channels.</summary>
    static void NormalisedRgI(Mat bgr, Mat result)
    {
        Cv2.Split(bgr, out Mat[] channels);
        using var b = channels[0];
        using var g = channels[1];
        using var r = channels[2];
        using var sum = new Mat();
        using var bf = new Mat();
        using var gf = new Mat();
        using var rf = new Mat();
        b.ConvertTo(bf, MatType.CV_32F);
        g.ConvertTo(gf, MatType.CV_32F);
        r.ConvertTo(rf, MatType.CV_32F);
        Cv2.Add(bf, gf, sum);
        Cv2.Add(sum, rf, sum);
        using var rn = new Mat();
        using var gn = new Mat();
        Cv2.Divide(rf, sum, rn, 255); // OpenCV's division gives 0 where the divisor is 0
        Cv2.Divide(gf, sum, gn, 255);
        using var r8 = new Mat();
        using var g8 = new Mat();
        rn.ConvertTo(r8, MatType.CV_8U);
        gn.ConvertTo(g8, MatType.CV_8U);
        using var grey = new Mat();
        Cv2.CvtColor(bgr, grey, ColorConversionCodes.BGR2GRAY);
        Cv2.Merge([r8, g8, grey], result);
    }
}

/// <summary>The proposals of one image: its size and its boxes in rank order (VOC pixels).</summary>
/// <param name="Width">Image width in pixels.</param>
/// <param name="Height">Image height in pixels.</param>
/// <param name="Boxes">Boxes, best-ranked first.</param>
public sealed record ProposalImage(int Width, int Height, IReadOnlyList<PixelBox> Boxes);
