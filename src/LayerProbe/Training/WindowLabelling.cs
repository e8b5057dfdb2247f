using LayerProbe.Data;
using LayerProbe.Probes;

namespace LayerProbe.Training;

/// <summary>
/// R-CNN's window labels (docs/method.md §1.5, roidb bookkeeping §6.2): every window of an image — all GT boxes (difficult
/// ones too) followed by all proposals — gets overlap[c] = max IoU with the GT boxes of class c; its class is the
/// argmax (ties: the lower class, like MATLAB's <c>max</c>) and its overlap that maximum. Overlap below 1e-5 is class 0.
/// </summary>
public static class WindowLabelling
{
    /// <summary>Overlaps below this are no overlap at all: the window is background whatever the rule.</summary>
    public const double MinOverlap = 1e-5;

    /// <summary>
    /// Labels the windows of one image. <paramref name="gt"/> carries each GT box with its 0-based class index
    /// (devkit order); window classes are that index + 1, so 0 is free for background.
    /// </summary>
    public static List<LabelledWindow> Label(IReadOnlyList<(PixelBox Box, int ClassIndex)> gt, IReadOnlyList<PixelBox> proposals)
    {
        var windows = new List<LabelledWindow>(gt.Count + proposals.Count);
        foreach (var g in gt) windows.Add(Label(g.Box, gt, true));
        foreach (var p in proposals) windows.Add(Label(p, gt, false));
        return windows;
    }

    static LabelledWindow Label(PixelBox box, IReadOnlyList<(PixelBox Box, int ClassIndex)> gt, bool isGt)
    {
        int best = -1;
        double overlap = 0;
        foreach (var g in gt)
        {
            double iou = BoxOverlap.IoU(box, g.Box);
            // per-class maxima then argmax over classes = the overall maximum, lowest class on ties
            if (iou > overlap || (iou == overlap && best >= 0 && g.ClassIndex < best)) { overlap = iou; best = g.ClassIndex; }
        }
        return overlap < MinOverlap ? new LabelledWindow(box, 0, overlap, isGt) : new LabelledWindow(box, best + 1, overlap, isGt);
    }
}
