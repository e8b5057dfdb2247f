using LayerProbe.Data;
using LayerProbe.Proposals;

namespace LayerProbe.Regions;

/// <summary>
/// Region items of a VOC split (docs/method.md §6.2): for every image of the split, every ground-truth object (difficult
/// ones too) followed by every proposal of a <see cref="ProposalStore"/> in rank order — the rows of R-CNN's roidb.
/// Item id <c>&lt;imageid&gt;/&lt;row&gt;</c>, row 0-based within the image (GT rows first, see <see cref="RegionRows"/>).
/// Memory is one entry per image: rows are found by binary search over the images' first items and boxes are read
/// from the store's memory map; consecutive regions of one image decode it once.
/// </summary>
public sealed class VocRegions : IItemSet, IDisposable
{
    readonly VocDevkit _devkit;
    readonly ProposalStore _store;
    readonly VocAnnotation[] _annotations;
    readonly int[] _storeIndex;  // image → its index in the proposals store
    readonly int[] _firstItem;   // image → index of its first item; one extra entry = Count
    readonly DecodedImageCache _decoded;
    readonly Lazy<string> _fingerprint;

    /// <summary>
    /// The regions of <paramref name="split"/> with the proposals in <paramref name="proposalsDirectory"/>; every image
    /// of the split must be in the store with the annotated size (a store made for another split is one clear line).
    /// <paramref name="maxProposals"/> keeps only each image's first N proposals in the store's rank order (R-CNN's
    /// pseudo-random rank, so a fair sample of the image's proposals); GT rows are always all kept. The cap is part of
    /// the fingerprint, so stores of capped and uncapped regions never mix.
    /// </summary>
    public VocRegions(VocDevkit devkit, string split, string proposalsDirectory, int? maxProposals = null)
    {
        if (maxProposals is < 1) throw LayerProbeException.For(proposalsDirectory, $"max-proposals={maxProposals} must be at least 1");
        _devkit = devkit;
        Split = split;
        MaxProposals = maxProposals;
        _store = ProposalStore.Open(proposalsDirectory);
        try
        {
            var ids = devkit.ImageIds(split);
            _annotations = new VocAnnotation[ids.Count];
            _storeIndex = new int[ids.Count];
            _firstItem = new int[ids.Count + 1];
            long total = 0;
            string storeImages = Path.Combine(proposalsDirectory, ProposalStoreFiles.Images);
            for (int i = 0; i < ids.Count; i++)
            {
                var a = _annotations[i] = devkit.Annotation(ids[i]);
                int s = _storeIndex[i] = _store.IndexOf(ids[i]);
                if (s < 0) throw LayerProbeException.For(storeImages, $"has no proposals for image {ids[i]} of split '{split}' (made for another split or data set?)");
                var im = _store.Images[s];
                if (im.Width != a.Width || im.Height != a.Height)
                    throw LayerProbeException.For(storeImages, $"image {ids[i]} is {im.Width}x{im.Height} there but {a.Width}x{a.Height} in its annotation");
                _firstItem[i] = (int)total;
                total += RegionRows.Count(a, Math.Min(im.Rows, maxProposals ?? int.MaxValue));
                if (total > int.MaxValue) throw LayerProbeException.For(proposalsDirectory, $"more than {int.MaxValue} regions; extract the split in parts");
            }
            _firstItem[ids.Count] = (int)total;
        }
        catch
        {
            _store.Dispose();
            throw;
        }
        var byId = _annotations.ToDictionary(a => a.ImageId, StringComparer.Ordinal);
        _decoded = new(2, id => devkit.DecodeImage(byId[id]));
        _fingerprint = new(() =>
        {
            var f = new Fingerprints().Add(Name);
            if (maxProposals is { } cap) f.Add($"max-proposals={cap}");
            f.AddFile(Path.Combine(proposalsDirectory, ProposalStoreFiles.Boxes))
             .AddFile(Path.Combine(proposalsDirectory, ProposalStoreFiles.Images));
            for (int i = 0; i < _annotations.Length; i++)
            {
                f.Add(_annotations[i].ImageId).AddFile(devkit.ImagePath(_annotations[i].ImageId)).Add(ProposalCount(i).ToString(System.Globalization.CultureInfo.InvariantCulture));
                foreach (var o in _annotations[i].Objects) f.Add(o.ClassName).Add(o.Box);
            }
            return f.Finish();
        });
    }

    /// <summary>The split.</summary>
    public string Split { get; }
    /// <summary>The cap on proposals per image (the first N in rank order), or null for all of them.</summary>
    public int? MaxProposals { get; }
    /// <summary>The devkit the split is read from.</summary>
    public VocDevkit Devkit => _devkit;
    /// <summary>The proposals store folder.</summary>
    public string ProposalsDirectory => _store.Directory;
    /// <inheritdoc/>
    public string Name => $"voc/{Split}/regions";
    /// <inheritdoc/>
    public int Count => _firstItem[^1];
    /// <inheritdoc/>
    public string Fingerprint => _fingerprint.Value;
    /// <summary>Number of images.</summary>
    public int Images => _annotations.Length;
    /// <summary>Class names (devkit order): the overlap columns of the bookkeeping.</summary>
    public IReadOnlyList<string> Classes => _devkit.Classes;
    /// <summary>Annotation of image <paramref name="image"/>.</summary>
    public VocAnnotation Annotation(int image) => _annotations[image];
    /// <summary>Index of image <paramref name="image"/>'s first item.</summary>
    public int FirstItem(int image) => _firstItem[image];
    /// <summary>The decoded pixels of image <paramref name="image"/> (through the same decode cache as <see cref="Load"/>).</summary>
    public RgbImage Decode(int image) => _decoded.Get(_annotations[image].ImageId);
    /// <summary>Proposals of image <paramref name="image"/> in rank order.</summary>
    public PixelBox[] Proposals(int image)
    {
        var boxes = _store.Boxes(_storeIndex[image]);
        return boxes.Length <= ProposalCount(image) ? boxes : boxes[..ProposalCount(image)];
    }

    /// <summary>The (image, row) of item <paramref name="index"/>.</summary>
    public (int Image, int Row) Locate(int index)
    {
        if ((uint)index >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(index), index, $"{Count} regions");
        int lo = 0, hi = _annotations.Length - 1; // the last image whose first item is ≤ index (skips images without rows)
        while (lo < hi)
        {
            int mid = (lo + hi + 1) / 2;
            if (_firstItem[mid] <= index) lo = mid; else hi = mid - 1;
        }
        return (lo, index - _firstItem[lo]);
    }

    /// <inheritdoc/>
    public string Id(int index)
    {
        var (image, row) = Locate(index);
        return $"{_annotations[image].ImageId}/{row}";
    }

    /// <inheritdoc/>
    public (RgbImage Image, PixelBox? Region) Load(int index)
    {
        var (image, row) = Locate(index);
        var a = _annotations[image];
        var box = row < a.Objects.Count ? a.Objects[row].Box : _store.Box(_store.Images[_storeIndex[image]].FirstRow + row - a.Objects.Count);
        return (_decoded.Get(a.ImageId), box);
    }

    int ProposalCount(int image) => Math.Min(_store.Images[_storeIndex[image]].Rows, MaxProposals ?? int.MaxValue);

    /// <summary>Releases the proposals store's map.</summary>
    public void Dispose() => _store.Dispose();
}
