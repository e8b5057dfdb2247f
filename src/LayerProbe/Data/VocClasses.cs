namespace LayerProbe.Data;

/// <summary>The 20 PASCAL VOC 2007 object classes in devkit order (docs/method.md §2).</summary>
public static class VocClasses
{
    /// <summary>Class names, devkit order; a class's index here is its label everywhere in the toolkit.</summary>
    public static IReadOnlyList<string> Names { get; } =
    [
        "aeroplane", "bicycle", "bird", "boat", "bottle", "bus", "car", "cat", "chair", "cow",
        "diningtable", "dog", "horse", "motorbike", "person", "pottedplant", "sheep", "sofa", "train", "tvmonitor",
    ];

    static readonly Dictionary<string, int> IndexByName = Names.Select((n, i) => (n, i)).ToDictionary(p => p.n, p => p.i);

    /// <summary>Index of <paramref name="name"/> in devkit order, or −1 if it is not a VOC class.</summary>
    public static int IndexOf(string name) => IndexByName.TryGetValue(name, out var i) ? i : -1;
}
