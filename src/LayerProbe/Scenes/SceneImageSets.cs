using System.Text;

namespace LayerProbe.Scenes;

/// <summary>
/// Writes <c>ImageSets/Main</c> the VOC way: <c>{train,val,trainval,test}.txt</c> (one id per line) and
/// <c>CLASS_split.txt</c> with 1 (a non-difficult instance), 0 (only difficult instances) or −1 (none), plus the
/// devkit's class list <c>classes.txt</c>.
/// </summary>
static class SceneImageSets
{
    /// <summary>Per image: its id and its objects as (class, difficult).</summary>
    public readonly record struct Entry(string Id, IReadOnlyList<(int Class, bool Difficult)> Objects);

    /// <summary>Writes every split and per-class file under <paramref name="yearFolder"/>.</summary>
    public static void Write(string yearFolder, IReadOnlyDictionary<string, IReadOnlyList<Entry>> splits)
    {
        var main = Path.Combine(yearFolder, "ImageSets", "Main");
        Directory.CreateDirectory(main);
        File.WriteAllText(Path.Combine(yearFolder, Data.VocDevkit.ClassListFile), string.Join("", SceneClasses.Names.Select(n => n + "\n")));
        foreach (var (split, entries) in splits)
        {
            File.WriteAllText(Path.Combine(main, split + ".txt"), string.Join("", entries.Select(e => e.Id + "\n")));
            for (int c = 0; c < SceneClasses.Names.Count; c++)
            {
                var sb = new StringBuilder();
                foreach (var e in entries) sb.Append(e.Id).Append(' ').Append($"{Label(e, c),2}").Append('\n');
                File.WriteAllText(Path.Combine(main, $"{SceneClasses.Names[c]}_{split}.txt"), sb.ToString());
            }
        }
    }

    /// <summary>VOC's image label of class <paramref name="c"/> (docs/method.md §2.1).</summary>
    static int Label(Entry e, int c) =>
        e.Objects.Any(o => o.Class == c && !o.Difficult) ? 1 : e.Objects.Any(o => o.Class == c) ? 0 : -1;
}
