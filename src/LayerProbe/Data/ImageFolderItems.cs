namespace LayerProbe.Data;

/// <summary>
/// An image-folder dataset as items: one sub-folder per class (classes = sub-folder names, ordinal order), each holding
/// .jpg/.jpeg/.png images (sorted by name). Whole images, single label; id = "&lt;class&gt;/&lt;file name&gt;".
/// </summary>
public sealed class ImageFolderItems : ILabelledItemSet
{
    static readonly string[] Extensions = [".jpg", ".jpeg", ".png"];
    readonly List<(string Path, string Id)> _files = [];
    readonly Lazy<string> _fingerprint;

    /// <summary>Scans <paramref name="root"/>; it must contain at least one class folder with an image.</summary>
    public ImageFolderItems(string root)
    {
        if (!Directory.Exists(root)) throw LayerProbeException.For(root, "image folder not found");
        Root = root;
        var classes = Directory.GetDirectories(root).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        var classIndex = new List<int>();
        for (int c = 0; c < classes.Count; c++)
        {
            var files = Directory.GetFiles(Path.Combine(root, classes[c]!))
                .Where(f => Extensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
                .Order(StringComparer.Ordinal);
            foreach (var f in files) { _files.Add((f, $"{classes[c]}/{Path.GetFileName(f)}")); classIndex.Add(c); }
        }
        if (_files.Count == 0) throw LayerProbeException.For(root, "no class sub-folders with .jpg/.jpeg/.png images");
        Labels = ItemLabels.SingleLabel(classes!, [.. classIndex]);
        _fingerprint = new(() =>
        {
            var f = new Fingerprints().Add(Name);
            foreach (var (path, id) in _files) f.Add(id).AddFile(path);
            return f.Finish();
        });
    }

    /// <summary>The dataset folder.</summary>
    public string Root { get; }
    /// <inheritdoc/>
    public string Name => $"image-folder/{Path.GetFileName(Path.TrimEndingDirectorySeparator(Root))}";
    /// <inheritdoc/>
    public int Count => _files.Count;
    /// <inheritdoc/>
    public string Fingerprint => _fingerprint.Value;
    /// <inheritdoc/>
    public ItemLabels Labels { get; }
    /// <inheritdoc/>
    public string Id(int index) => _files[index].Id;
    /// <summary>Path of item <paramref name="index"/>'s file.</summary>
    public string FilePath(int index) => _files[index].Path;
    /// <inheritdoc/>
    public (RgbImage Image, PixelBox? Region) Load(int index) => (ImageDecoder.Decode(_files[index].Path), null);
}
