using LayerProbe.Data;
using LayerProbe.Regions;

namespace LayerProbe.Training;

/// <summary>
/// R-CNN fine-tuning data on VOC (docs/method.md §1.5): the windows of a split — all GT boxes (difficult too) and all
/// proposals of each image — labelled by <see cref="WindowLabelling"/>, split into a foreground and a background pool by
/// a <see cref="WindowRule"/>, and drawn per iteration by <see cref="WindowSampler"/> (25 % foreground, with
/// replacement, mirrored with probability ½). Proposals come from a proposals store (<see cref="FromStore"/>; a CSV or
/// MAT file is imported into one by <c>layerprobe proposals --import</c>). A window is decoded and warped when drawn by
/// the network's preprocessor (R-CNN's warp with 16-px context, e.g. <see cref="CaffePreprocessor"/>); a mirrored window
/// is the warp of the mirrored box in the mirrored image, so its context padding is mirrored too. Only the window list
/// (about 24 bytes a window) and a few decoded images are held. Labels: 0 background, 1 … N the classes in devkit order.
/// </summary>
public sealed class VocWindows : IBatchComposingSource
{
    readonly record struct Entry(int Image, float X1, float Y1, float X2, float Y2, int Label)
    {
        public PixelBox Box => new(X1, Y1, X2, Y2);
    }

    readonly VocDevkit _devkit;
    readonly IReadOnlyList<VocAnnotation> _images;
    readonly Dictionary<string, int> _imageIndex;
    readonly Entry[] _windows; // the foreground pool, then the background pool
    readonly IPreprocessor _warp;
    readonly DecodedImageCache _decoded;
    readonly double _foregroundFraction;

    /// <summary>
    /// The windows of <paramref name="images"/> (their annotations) and <paramref name="proposals"/> (by image id).
    /// A split without foreground or background windows is a one-line error.
    /// </summary>
    public VocWindows(VocDevkit devkit, IReadOnlyList<VocAnnotation> images, IReadOnlyDictionary<string, List<PixelBox>> proposals,
        WindowRule rule, IPreprocessor warp, string name, double foregroundFraction = 0.25, int cachedImages = 4)
        : this(devkit, images, i => proposals.TryGetValue(images[i].ImageId, out var p) ? p : [], rule, warp, name, foregroundFraction, cachedImages)
    {
    }

    /// <summary>The windows of <paramref name="images"/>, the proposals of image i being <paramref name="proposals"/>(i) (read one image at a time).</summary>
    public VocWindows(VocDevkit devkit, IReadOnlyList<VocAnnotation> images, Func<int, IReadOnlyList<PixelBox>> proposals,
        WindowRule rule, IPreprocessor warp, string name, double foregroundFraction = 0.25, int cachedImages = 4)
    {
        _devkit = devkit;
        _images = images;
        _imageIndex = images.Select((a, i) => (a.ImageId, i)).ToDictionary(p => p.ImageId, p => p.i);
        _warp = warp;
        _foregroundFraction = foregroundFraction;
        _decoded = new DecodedImageCache(cachedImages, id => Decode(id));
        var foreground = new List<Entry>();
        var background = new List<Entry>();
        for (int i = 0; i < images.Count; i++)
        {
            var gt = images[i].Objects.Select(o => (o.Box, o.ClassIndex)).ToList();
            var windows = WindowLabelling.Label(gt, proposals(i));
            foreach (var w in windows)
            {
                var role = rule.Assign(w);
                if (role == WindowRole.Ignored) continue;
                var entry = new Entry(i, (float)w.Box.X1, (float)w.Box.Y1, (float)w.Box.X2, (float)w.Box.Y2, role == WindowRole.Foreground ? w.Class : 0);
                (role == WindowRole.Foreground ? foreground : background).Add(entry);
            }
        }
        if (foreground.Count == 0) throw new LayerProbeException($"{name}: no foreground windows under the {rule} rule");
        if (background.Count == 0) throw new LayerProbeException($"{name}: no background windows under the {rule} rule (are proposals missing?)");
        Foreground = foreground.Count;
        Background = background.Count;
        _windows = [.. foreground, .. background];
        Name = $"{name}, rule {rule}, {Foreground} fg + {Background} bg windows";
        ItemShape = [warp.Channels, warp.Height, warp.Width];
    }

    /// <summary>
    /// Reads the annotations of <paramref name="split"/> and the proposals of the store in
    /// <paramref name="proposalsStore"/> — every image of the split must be there with its annotated size, as for region
    /// items (<see cref="VocRegions"/>) — and builds the windows; every input error surfaces here, before training.
    /// <paramref name="maxProposals"/> keeps each image's first N proposals, as for region items.
    /// </summary>
    public static VocWindows FromStore(VocDevkit devkit, string split, string proposalsStore, WindowRule rule, IPreprocessor warp,
        double foregroundFraction = 0.25, int? maxProposals = null)
    {
        using var regions = new VocRegions(devkit, split, proposalsStore, maxProposals);
        var images = Enumerable.Range(0, regions.Images).Select(regions.Annotation).ToList();
        return new VocWindows(devkit, images, i => regions.Proposals(i), rule, warp, $"voc {split} windows", foregroundFraction);
    }

    /// <inheritdoc/>
    public string Name { get; }
    /// <summary>Windows in the foreground pool (items 0 … Foreground − 1).</summary>
    public int Foreground { get; }
    /// <summary>Windows in the background pool (the items after the foreground ones).</summary>
    public int Background { get; }
    /// <inheritdoc/>
    public int Count => _windows.Length;
    /// <summary>Background and the devkit's classes (21 for VOC).</summary>
    public int Classes => _devkit.Classes.Count + 1;
    /// <inheritdoc/>
    public int[] ItemShape { get; }

    /// <summary>Label of item <paramref name="index"/> (0 for the background pool).</summary>
    public int Label(int index) => _windows[index].Label;
    /// <inheritdoc/>
    public IReadOnlyList<int>? ItemsPerClass => ITrainingSource.CountPerClass(_windows.Select(w => w.Label), Classes);
    /// <inheritdoc/>
    public string ClassName(int label) => label == 0 ? "background" : _devkit.Classes[label - 1];

    /// <summary>Image id and box of item <paramref name="index"/>.</summary>
    public (string ImageId, PixelBox Box) Window(int index) => (_images[_windows[index].Image].ImageId, _windows[index].Box);

    /// <summary>Warps item <paramref name="index"/>, mirrored or not, into <paramref name="destination"/> (3 × crop²).</summary>
    public void Warp(int index, bool mirror, Span<float> destination)
    {
        var entry = _windows[index];
        string id = _images[entry.Image].ImageId;
        var image = _decoded.Get(id);
        if (!mirror) { _warp.Fill(image, entry.Box, destination); return; }
        _warp.Fill(_decoded.Get(id + "|mirrored"), HorizontalMirror.Box(entry.Box, image.Width), destination);
    }

    /// <summary>Items in pool order, unmirrored (e.g. for held-out accuracy on windows).</summary>
    public void Fill(ReadOnlySpan<int> indices, Span<float> inputs, Span<long> labels)
    {
        int size = ItemShape[0] * ItemShape[1] * ItemShape[2];
        for (int i = 0; i < indices.Length; i++)
        {
            Warp(indices[i], false, inputs.Slice(i * size, size));
            labels[i] = _windows[indices[i]].Label;
        }
    }

    /// <inheritdoc/>
    public void FillBatch(int seed, long iteration, Span<float> inputs, Span<long> labels)
    {
        var sampler = new WindowSampler(Foreground, Background, labels.Length, seed, _foregroundFraction);
        var draws = new (int Index, bool Mirror)[labels.Length];
        sampler.Batch(iteration, draws);
        int size = ItemShape[0] * ItemShape[1] * ItemShape[2];
        for (int k = 0; k < draws.Length; k++)
        {
            int index = k < sampler.ForegroundPerBatch ? draws[k].Index : Foreground + draws[k].Index;
            Warp(index, draws[k].Mirror, inputs.Slice(k * size, size));
            labels[k] = _windows[index].Label;
        }
    }

    RgbImage Decode(string key)
    {
        const string mirrored = "|mirrored";
        if (key.EndsWith(mirrored, StringComparison.Ordinal)) return HorizontalMirror.Image(_decoded.Get(key[..^mirrored.Length]));
        return _devkit.DecodeImage(_images[_imageIndex[key]]);
    }
}
