using LayerProbe.Data;

namespace LayerProbe.Training;

/// <summary>
/// A window of the R-CNN fine-tuning data (docs/method.md §1.5, §6.2): a GT box or a proposal of one image, with the class
/// of its best-overlapping GT box and that overlap.
/// </summary>
/// <param name="Box">The window, 1-based inclusive pixels.</param>
/// <param name="Class">1 … N for the argmax class, 0 when the overlap is below 1e-5 (background).</param>
/// <param name="Overlap">Max IoU with the GT boxes of <paramref name="Class"/> (1 for GT boxes themselves).</param>
/// <param name="Gt">Whether the window is a GT box.</param>
public readonly record struct LabelledWindow(PixelBox Box, int Class, double Overlap, bool Gt);
