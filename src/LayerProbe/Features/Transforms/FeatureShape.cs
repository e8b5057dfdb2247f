namespace LayerProbe.Features.Transforms;

/// <summary>Shape of one item's feature: C×H×W in Caffe blob order (fc layers are C×1×1).</summary>
public readonly record struct FeatureShape(int Channels, int Height, int Width)
{
    /// <summary>Spatial positions per channel (H·W).</summary>
    public int Positions => Height * Width;
    /// <summary>Values per item (C·H·W).</summary>
    public int Dimensions => Channels * Height * Width;
    /// <summary>True for layers without spatial extent (fc6, fc7, …).</summary>
    public bool IsFullyConnected => Height == 1 && Width == 1;

    /// <summary>Checks that a row source has C·H·W columns.</summary>
    public void CheckMatches(int dimensions, string layer)
    {
        if (dimensions != Dimensions)
            throw new LayerProbeException($"{layer}: rows have {dimensions} values, shape {Channels}×{Height}×{Width} needs {Dimensions}");
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Channels}×{Height}×{Width}";
}
