namespace LayerProbe.Data;

/// <summary>
/// PASCAL-CLS items: the whole images of a VOC split, labelled from the per-class <c>&lt;class&gt;_&lt;split&gt;.txt</c>
/// files (+1/−1/0, docs/method.md §2.1). Region = null (the preprocessor warps the whole image).
/// </summary>
public sealed class VocWholeImages : ILabelledItemSet
{
    readonly VocDevkit _devkit;
    readonly IReadOnlyList<string> _ids;
    readonly Lazy<string> _fingerprint;

    /// <summary>The images of <paramref name="split"/> in split-file order.</summary>
    public VocWholeImages(VocDevkit devkit, string split)
    {
        _devkit = devkit;
        Split = split;
        _ids = devkit.ImageIds(split);
        Labels = new ItemLabels(devkit.Classes, devkit.LabelMatrix(split, _ids));
        _fingerprint = new(() =>
        {
            var f = new Fingerprints().Add(Name);
            foreach (var id in _ids) f.Add(id).AddFile(devkit.ImagePath(id));
            return f.Finish();
        });
    }

    /// <summary>The split.</summary>
    public string Split { get; }
    /// <inheritdoc/>
    public string Name => $"voc/{Split}/images";
    /// <inheritdoc/>
    public int Count => _ids.Count;
    /// <inheritdoc/>
    public string Fingerprint => _fingerprint.Value;
    /// <inheritdoc/>
    public ItemLabels Labels { get; }
    /// <inheritdoc/>
    public string Id(int index) => _ids[index];
    /// <inheritdoc/>
    public (RgbImage Image, PixelBox? Region) Load(int index) => (ImageDecoder.Decode(_devkit.ImagePath(_ids[index])), null);
}
