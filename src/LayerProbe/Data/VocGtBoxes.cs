namespace LayerProbe.Data;

/// <summary>
/// PASCAL-DET-GT items: one item per ground-truth object of a VOC split (docs/method.md §2.2), id
/// <c>&lt;imageid&gt;/gt/&lt;k&gt;</c> (k = 0-based object index in the annotation), label = the object's class,
/// with its difficult flag. Difficult objects are included by default (docs/method.md §2.2 [CHOICE]).
/// </summary>
public sealed class VocGtBoxes : ILabelledItemSet
{
    readonly List<(VocAnnotation Image, int K, VocObject Object)> _items = [];
    readonly Lazy<string> _fingerprint;
    readonly Dictionary<string, VocAnnotation> _annotations = new(StringComparer.Ordinal);
    readonly DecodedImageCache _decoded; // consecutive boxes of one image decode it once

    /// <summary>GT boxes of <paramref name="split"/>, images in split order, objects in annotation order.</summary>
    public VocGtBoxes(VocDevkit devkit, string split, bool includeDifficult = true)
    {
        Split = split;
        IncludeDifficult = includeDifficult;
        _decoded = new(1, id => devkit.DecodeImage(_annotations[id]));
        foreach (var id in devkit.ImageIds(split))
        {
            var annotation = _annotations[id] = devkit.Annotation(id);
            for (int k = 0; k < annotation.Objects.Count; k++)
                if (includeDifficult || !annotation.Objects[k].Difficult) _items.Add((annotation, k, annotation.Objects[k]));
        }
        if (_items.Count == 0)
            throw LayerProbeException.For(devkit.SplitFile(split), $"split '{split}' has no {(includeDifficult ? "" : "non-difficult ")}ground-truth objects");
        Labels = ItemLabels.SingleLabel(devkit.Classes, _items.Select(i => i.Object.ClassIndex).ToArray());
        _fingerprint = new(() =>
        {
            var f = new Fingerprints().Add(Name);
            string? previous = null;
            foreach (var (image, k, obj) in _items)
            {
                string imageId = image.ImageId;
                if (imageId != previous) f.AddFile(devkit.ImagePath(imageId));
                previous = imageId;
                f.Add(Id(imageId, k)).Add(obj.Box);
            }
            return f.Finish();
        });
    }

    /// <summary>The split.</summary>
    public string Split { get; }
    /// <summary>Whether difficult objects are items.</summary>
    public bool IncludeDifficult { get; }
    /// <inheritdoc/>
    public string Name => $"voc/{Split}/gt-boxes" + (IncludeDifficult ? "" : "-nondifficult");
    /// <inheritdoc/>
    public int Count => _items.Count;
    /// <inheritdoc/>
    public string Fingerprint => _fingerprint.Value;
    /// <inheritdoc/>
    public ItemLabels Labels { get; }
    /// <summary>The annotated object behind item <paramref name="index"/> (class, box, difficult flag).</summary>
    public VocObject Object(int index) => _items[index].Object;
    /// <summary>Whether item <paramref name="index"/> is marked difficult.</summary>
    public bool Difficult(int index) => _items[index].Object.Difficult;
    /// <summary>Image id of item <paramref name="index"/>.</summary>
    public string ImageId(int index) => _items[index].Image.ImageId;
    /// <inheritdoc/>
    public string Id(int index) => Id(_items[index].Image.ImageId, _items[index].K);

    /// <inheritdoc/>
    public (RgbImage Image, PixelBox? Region) Load(int index)
    {
        return (_decoded.Get(_items[index].Image.ImageId), _items[index].Object.Box);
    }

    static string Id(string imageId, int k) => $"{imageId}/gt/{k}";
}
