using LayerProbe.Probes;

namespace LayerProbe.Detection;

/// <summary>
/// The thresholds of R-CNN's test-time detection (docs/method.md §6.5, §6.7; <c>rcnn_test.m</c>,
/// <c>imdb_eval_voc.m</c>), every one recorded in the manifest: per image and class the best
/// <see cref="MaxPerImage"/> boxes, per class a running threshold that keeps about <see cref="BoxesPerImageOverall"/>
/// boxes per test image (R-CNN: 100,000 for 2,500 images, i.e. 40), greedy NMS dropping boxes with IoU above
/// <see cref="NmsOverlap"/>, and the devkit's overlap criterion (IoU ≥ <see cref="MinOverlap"/>) for AP.
/// </summary>
/// <param name="MaxPerImage">Boxes kept per image and class before the global threshold (R-CNN: 100).</param>
/// <param name="BoxesPerImageOverall">Boxes per test image each class keeps overall (R-CNN: ⌈100,000/2,500⌉ = 40).</param>
/// <param name="NmsOverlap">NMS drops a box whose IoU with a kept one is above this (R-CNN: 0.3).</param>
/// <param name="MinOverlap">A detection is a hit at IoU ≥ this (VOC devkit: 0.5).</param>
/// <param name="PictureImages">How many test images are drawn with their detections (the first of the split).</param>
/// <param name="PicturePerClass">Detections drawn per class and image (the best after NMS).</param>
/// <param name="PictureMinScore">Detections drawn only when their score is at least this (0: the SVM's margin).</param>
public sealed record DetectionSettings(
    int MaxPerImage = 100,
    int BoxesPerImageOverall = 40,
    double NmsOverlap = 0.3,
    double MinOverlap = VocDetectionAp.DefaultMinOverlap,
    int PictureImages = 4,
    int PicturePerClass = 2,
    double PictureMinScore = 0)
{
    /// <summary>R-CNN's settings.</summary>
    public static DetectionSettings Rcnn => new();

    /// <summary>R-CNN's <c>max_per_set</c> for a test split of <paramref name="images"/> images.</summary>
    public int MaxPerClass(int images) => checked(BoxesPerImageOverall * images);

    /// <summary>Throws for a setting that cannot work (named as the CLI option it comes from).</summary>
    public void Validate()
    {
        if (MaxPerImage < 1) throw LayerProbeException.ForParameter("maxPerImage", $"must be at least 1, got {MaxPerImage}");
        if (BoxesPerImageOverall < 1) throw LayerProbeException.ForParameter("boxesPerImage", $"must be at least 1, got {BoxesPerImageOverall}");
        if (!(NmsOverlap is >= 0 and <= 1)) throw LayerProbeException.ForParameter("nmsOverlap", $"must be an IoU in [0, 1], got {NmsOverlap}");
        if (!(MinOverlap is > 0 and <= 1)) throw LayerProbeException.ForParameter("minOverlap", $"must be an IoU in (0, 1], got {MinOverlap}");
    }
}
