using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace LayerProbe.Studies.Files;

/// <summary>
/// The YAML text of a study file as a node tree that remembers where each node came from (file and line, or the
/// <c>--set</c> override that replaced it), so that every problem is one line naming the place and the key. Overrides
/// (<c>key.path=value</c>) replace or add nodes before the tree is read; their values are YAML too (<c>[1e-3, 0.1]</c>).
/// </summary>
sealed class StudyYaml
{
    readonly Dictionary<YamlNode, string> _origins = new(ReferenceEqualityComparer.Instance);

    StudyYaml(string source, YamlMappingNode root) => (Source, Root) = (source, root);

    /// <summary>Where the text came from (a file path).</summary>
    public string Source { get; }
    /// <summary>The top-level mapping.</summary>
    public YamlMappingNode Root { get; }

    /// <summary>Parses <paramref name="text"/> (YAML or JSON) read from <paramref name="source"/>; a syntax error names its line.</summary>
    public static StudyYaml Parse(string text, string source) => new(source, ParseMapping(text, source, "the study"));

    /// <summary>Reads a study file; a missing or unreadable file is one line.</summary>
    public static StudyYaml Load(string path)
    {
        string text;
        try { text = File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw LayerProbeException.For(path, e is FileNotFoundException or DirectoryNotFoundException ? "no such study file" : e.Message);
        }
        return Parse(text, path);
    }

    /// <summary>A mapping inside this text (e.g. a manifest's <c>settings.study</c>) read as a study of its own; places stay those of this text.</summary>
    public StudyYaml Subtree(YamlMappingNode node) => new(Source, node);

    /// <summary>A mapping made for <paramref name="written"/> (the settings of a step written as a bare name) is said to be where that was written.</summary>
    public YamlMappingNode MadeFor(YamlNode written)
    {
        var made = new YamlMappingNode();
        _origins[made] = Where(written);
        return made;
    }

    /// <summary>The place of <paramref name="node"/>: <c>FILE:LINE</c>, or the override that set it.</summary>
    public string Where(YamlNode node) =>
        _origins.TryGetValue(node, out var origin) ? origin
            : node.Start.Line > 0 ? $"{Source}:{node.Start.Line}" : Source;

    /// <summary>
    /// Applies one <c>key.path=value</c> override: mapping keys by name, sequence items by index or, for a list of
    /// named entries (the steps), by the entry's name. Missing mappings on the path are created.
    /// </summary>
    public void Set(string assignment)
    {
        int eq = assignment.IndexOf('=');
        if (eq <= 0) throw LayerProbeException.For("--set", $"'{assignment}' is not KEY=VALUE (e.g. probe.c=[0.001,0.1])");
        string path = assignment[..eq].Trim(), text = assignment[(eq + 1)..];
        const string origin = "--set";
        string place = $"--set {path}";
        var value = ParseValue(text, origin);
        MarkOrigin(value, origin);
        var keys = path.Split('.');
        YamlNode parent = Root;
        for (int i = 0; i < keys.Length; i++)
        {
            bool last = i == keys.Length - 1;
            string key = keys[i];
            switch (parent)
            {
                case YamlMappingNode map:
                    var name = new YamlScalarNode(key);
                    _origins[name] = origin;
                    if (last) { map.Children[name] = value; return; }
                    if (!map.Children.TryGetValue(name, out var child))
                    {
                        child = new YamlMappingNode();
                        _origins[child] = origin;
                        map.Children[name] = child;
                    }
                    parent = child;
                    break;
                case YamlSequenceNode list:
                    int index = IndexIn(list, key, place);
                    var item = list.Children[index];
                    bool named = !int.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out _) && EntryName(item) == key;
                    if (!named) { if (last) list.Children[index] = value; else parent = item; break; }
                    // a named entry (a step): the path goes on into its settings
                    if (last) { list.Children[index] = Entry(key, value, origin); return; }
                    if (item is YamlMappingNode m && m.Children.Values.First() is YamlMappingNode settings) parent = settings;
                    else
                    {
                        settings = new YamlMappingNode();
                        _origins[settings] = origin;
                        list.Children[index] = Entry(key, settings, origin);
                        parent = settings;
                    }
                    break;
                default:
                    throw LayerProbeException.For(place, $"'{string.Join('.', keys.Take(i))}' is a single value, it has no key '{key}'");
            }
        }
    }

    YamlMappingNode Entry(string name, YamlNode settings, string origin)
    {
        var key = new YamlScalarNode(name);
        var entry = new YamlMappingNode(key, settings);
        (_origins[key], _origins[entry]) = (origin, origin);
        return entry;
    }

    static int IndexIn(YamlSequenceNode list, string key, string origin)
    {
        if (int.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out int index))
            return index < list.Children.Count ? index : throw LayerProbeException.For(origin, $"index {index} is past the end of the list ({list.Children.Count} entries)");
        var matches = list.Children.Select((n, i) => (Name: EntryName(n), i)).Where(e => e.Name == key).ToList();
        return matches.Count switch
        {
            1 => matches[0].i,
            0 => throw LayerProbeException.For(origin, $"no entry '{key}' in the list (entries: {string.Join(", ", list.Children.Select(EntryName))})"),
            _ => throw LayerProbeException.For(origin, $"'{key}' names {matches.Count} entries; use its index (0-based)"),
        };
    }

    /// <summary>The name of a list entry written <c>- name</c> or <c>- name: {settings}</c>.</summary>
    public static string? EntryName(YamlNode node) => node switch
    {
        YamlScalarNode s => s.Value,
        YamlMappingNode { Children.Count: 1 } m when m.Children.Keys.First() is YamlScalarNode k => k.Value,
        _ => null,
    };

    void MarkOrigin(YamlNode node, string origin)
    {
        _origins[node] = origin;
        foreach (var child in node.AllNodes) _origins[child] = origin;
    }

    static YamlNode ParseValue(string text, string origin)
    {
        if (text.Trim().Length == 0) return new YamlScalarNode("");
        var document = Documents(text, origin).FirstOrDefault();
        return document?.RootNode ?? new YamlScalarNode("");
    }

    static YamlMappingNode ParseMapping(string text, string source, string what)
    {
        var documents = Documents(text, source);
        if (documents.Count != 1) throw LayerProbeException.For(source, $"{what} must be one YAML document, found {documents.Count}");
        return documents[0].RootNode as YamlMappingNode
            ?? throw LayerProbeException.For($"{source}:{documents[0].RootNode.Start.Line}", $"{what} must be a mapping of keys (name:, data:, steps: …)");
    }

    static IList<YamlDocument> Documents(string text, string source)
    {
        var stream = new YamlStream();
        try { stream.Load(new StringReader(text)); }
        catch (YamlException e)
        {
            // YamlDotNet's message starts with its own "(Line: …)" prefix; the place is said once, ours.
            string message = e.InnerException is YamlException inner ? inner.Message : e.Message;
            int close = message.IndexOf("): ", StringComparison.Ordinal);
            if (message.StartsWith('(') && close > 0) message = message[(close + 3)..];
            throw LayerProbeException.For(e.Start.Line > 0 ? $"{source}:{e.Start.Line}" : source, $"not valid YAML: {message}");
        }
        return stream.Documents;
    }
}
