using LayerProbe.Probes;

namespace LayerProbe.Analyses;

/// <summary>
/// Item labels from a text file, one <c>id,class</c> pair per line (blank lines and lines starting with '#' skipped);
/// an id on several lines has several classes (multi-label: +1 for each, −1 for the rest). Classes are numbered in
/// order of first appearance. Rows are matched to a store's item ids; an id without a label is a user error.
/// </summary>
public sealed class ItemLabelFile
{
    readonly Dictionary<string, List<int>> _classesOf;

    ItemLabelFile(string path, IReadOnlyList<string> classes, Dictionary<string, List<int>> classesOf) =>
        (Path, Classes, _classesOf) = (path, classes, classesOf);

    /// <summary>File path.</summary>
    public string Path { get; }
    /// <summary>Class names.</summary>
    public IReadOnlyList<string> Classes { get; }

    /// <summary>Reads the file.</summary>
    public static ItemLabelFile Read(string path)
    {
        if (!File.Exists(path)) throw LayerProbeException.For(path, "label file not found");
        var classes = new List<string>();
        var index = new Dictionary<string, int>();
        var of = new Dictionary<string, List<int>>();
        int lineNo = 0;
        foreach (var raw in File.ReadLines(path))
        {
            lineNo++;
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#') continue;
            int comma = line.LastIndexOf(',');
            if (comma <= 0 || comma == line.Length - 1) throw LayerProbeException.For(path, $"line {lineNo}: expected 'id,class', got '{line}'");
            string id = line[..comma].Trim(), cls = line[(comma + 1)..].Trim();
            if (!index.TryGetValue(cls, out int c)) { c = classes.Count; index[cls] = c; classes.Add(cls); }
            if (!of.TryGetValue(id, out var list)) of[id] = list = [];
            if (!list.Contains(c)) list.Add(c);
        }
        if (classes.Count == 0) throw LayerProbeException.For(path, "no labels");
        return new ItemLabelFile(path, classes, of);
    }

    /// <summary>One-vs-rest labels of the given items.</summary>
    public OneVsRestLabels For(IReadOnlyList<string> ids)
    {
        var per = Classes.Select(_ => new sbyte[ids.Count]).ToArray();
        for (int i = 0; i < ids.Count; i++)
        {
            var mine = Lookup(ids[i]);
            for (int c = 0; c < per.Length; c++) per[c][i] = (sbyte)(mine.Contains(c) ? 1 : -1);
        }
        return new OneVsRestLabels(Classes, per);
    }

    /// <summary>The single class of each item (label entropy needs one class per item).</summary>
    public int[] SingleClassOf(IReadOnlyList<string> ids) => ids.Select(id =>
    {
        var mine = Lookup(id);
        return mine.Count == 1 ? mine[0] : throw LayerProbeException.For(Path, $"item '{id}' has {mine.Count} classes; this analysis needs exactly one");
    }).ToArray();

    List<int> Lookup(string id) =>
        _classesOf.TryGetValue(id, out var list) ? list : throw LayerProbeException.For(Path, $"no label for item '{id}'");
}
