namespace LayerProbe.Data;

/// <summary>
/// Turns an image (and optional region) into a network input tensor C×H×W, float32, in the network's convention
/// (e.g. Caffe: R-CNN warp, BGR, 0–255, minus mean image; ImageNet style: RGB, mean/std).
/// </summary>
public interface IPreprocessor
{
    /// <summary>Input channels.</summary>
    int Channels { get; }
    /// <summary>Input height.</summary>
    int Height { get; }
    /// <summary>Input width.</summary>
    int Width { get; }
    /// <summary>All settings in one string, recorded in manifests and part of the feature-store key.</summary>
    string Description { get; }
    /// <summary>Writes the C×H×W input for <paramref name="image"/> (cropped to <paramref name="region"/>) to <paramref name="destination"/>.</summary>
    void Fill(RgbImage image, PixelBox? region, Span<float> destination);
}
