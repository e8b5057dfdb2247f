namespace LayerProbe.Data;

/// <summary>
/// A PASCAL VOC devkit year folder (e.g. <c>VOCdevkit/VOC2007</c>): split files and per-class image labels from
/// <c>ImageSets/Main</c>, annotations from <c>Annotations/&lt;id&gt;.xml</c>, images from <c>JPEGImages/&lt;id&gt;.jpg</c>.
/// The classes are VOC's 20 unless the year folder has a class list <c>classes.txt</c> (one name per line, in label
/// order), as the devkits written by <c>layerprobe make-scenes</c> do.
/// </summary>
public sealed class VocDevkit
{
    /// <summary>File name of a devkit's own class list in the year folder.</summary>
    public const string ClassListFile = "classes.txt";

    /// <summary>The year folder.</summary>
    public string Root { get; }

    /// <summary>Opens <paramref name="root"/>; it must exist and contain <c>ImageSets/Main</c>.</summary>
    public VocDevkit(string root)
    {
        if (!Directory.Exists(root)) throw LayerProbeException.For(root, "VOC devkit folder not found");
        if (!Directory.Exists(Path.Combine(root, "ImageSets", "Main")))
            throw LayerProbeException.For(root, "not a VOC devkit year folder (no ImageSets/Main)");
        Root = root;
        Classes = ReadClassList(Path.Combine(root, ClassListFile)) ?? VocClasses.Names;
    }

    /// <summary>The classes in devkit order: VOC's 20, or the folder's <c>classes.txt</c>.</summary>
    public IReadOnlyList<string> Classes { get; }

    static IReadOnlyList<string>? ReadClassList(string path)
    {
        if (!File.Exists(path)) return null;
        var names = new List<string>();
        foreach (var (line, number) in Lines(path))
        {
            if (line.Any(c => char.IsWhiteSpace(c) || c is '/' or '\\') || line.Length > 64)
                throw LayerProbeException.For(path, $"line {number}: '{line}' is not a class name (no spaces or slashes: it names CLASS_split.txt files)");
            if (names.Contains(line)) throw LayerProbeException.For(path, $"line {number}: class '{line}' is listed twice");
            names.Add(line);
        }
        return names.Count > 0 ? names : throw LayerProbeException.For(path, "class list is empty");
    }

    /// <summary>Path of <c>ImageSets/Main/&lt;name&gt;.txt</c>.</summary>
    public string SplitFile(string name) => Path.Combine(Root, "ImageSets", "Main", name + ".txt");

    /// <summary>Path of an image's annotation XML.</summary>
    public string AnnotationPath(string imageId) => Path.Combine(Root, "Annotations", imageId + ".xml");

    /// <summary>Path of an image's JPEG.</summary>
    public string ImagePath(string imageId) => Path.Combine(Root, "JPEGImages", imageId + ".jpg");

    /// <summary>Image ids of split <paramref name="split"/> (train, val, trainval, test), in file order.</summary>
    public IReadOnlyList<string> ImageIds(string split)
    {
        var path = SplitFile(split);
        var ids = new List<string>();
        foreach (var (line, number) in Lines(path))
        {
            var fields = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length != 1) throw LayerProbeException.For(path, $"line {number}: expected one image id, got '{line}'");
            ids.Add(fields[0]);
        }
        if (ids.Count == 0) throw LayerProbeException.For(path, $"split '{split}' lists no images");
        if (ids.Count != ids.Distinct().Count()) throw LayerProbeException.For(path, "duplicate image ids");
        return ids;
    }

    /// <summary>
    /// Image labels of <paramref name="className"/> in <paramref name="split"/> from <c>&lt;class&gt;_&lt;split&gt;.txt</c>:
    /// +1 present, −1 absent, 0 only difficult instances (docs/method.md §2.1), keyed by image id.
    /// </summary>
    public IReadOnlyDictionary<string, int> ClassLabels(string className, string split)
    {
        if (!Classes.Contains(className)) throw LayerProbeException.For(className, $"not a class of {Root}");
        var path = SplitFile($"{className}_{split}");
        var labels = new Dictionary<string, int>();
        foreach (var (line, number) in Lines(path))
        {
            var fields = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length != 2 || !int.TryParse(fields[1], out int label) || label is < -1 or > 1)
                throw LayerProbeException.For(path, $"line {number}: expected '<image id> <+1|-1|0>', got '{line}'");
            if (!labels.TryAdd(fields[0], label)) throw LayerProbeException.For(path, $"line {number}: duplicate image id {fields[0]}");
        }
        return labels;
    }

    /// <summary>
    /// The image × class label matrix of a split (rows in split order, columns in devkit order), checked to cover exactly
    /// the split's ids.
    /// </summary>
    public sbyte[,] LabelMatrix(string split, IReadOnlyList<string> ids)
    {
        var matrix = new sbyte[ids.Count, Classes.Count];
        for (int c = 0; c < Classes.Count; c++)
        {
            var labels = ClassLabels(Classes[c], split);
            if (labels.Count != ids.Count)
                throw LayerProbeException.For(SplitFile($"{Classes[c]}_{split}"), $"has {labels.Count} images, split '{split}' has {ids.Count}");
            for (int i = 0; i < ids.Count; i++)
                matrix[i, c] = labels.TryGetValue(ids[i], out var l) ? (sbyte)l
                    : throw LayerProbeException.For(SplitFile($"{Classes[c]}_{split}"), $"image {ids[i]} of split '{split}' is missing");
        }
        return matrix;
    }

    /// <summary>
    /// Decodes the JPEG of <paramref name="annotation"/>'s image; it must have the annotated size, or the boxes (checked
    /// against that size when the annotation was read) would point outside the pixels they describe.
    /// </summary>
    public RgbImage DecodeImage(VocAnnotation annotation)
    {
        string path = ImagePath(annotation.ImageId);
        var image = ImageDecoder.Decode(path);
        if (image.Width != annotation.Width || image.Height != annotation.Height)
            throw LayerProbeException.For(path, $"image is {image.Width}x{image.Height} but its annotation says {annotation.Width}x{annotation.Height}");
        return image;
    }

    /// <summary>Parses the annotation of <paramref name="imageId"/>.</summary>
    public VocAnnotation Annotation(string imageId) => VocAnnotationReader.Read(AnnotationPath(imageId), Classes);

    static IEnumerable<(string Line, int Number)> Lines(string path)
    {
        if (!File.Exists(path)) throw LayerProbeException.For(path, "split file not found");
        int number = 0;
        foreach (var raw in File.ReadLines(path))
        {
            number++;
            var line = raw.Trim();
            if (line.Length > 0) yield return (line, number);
        }
    }
}
