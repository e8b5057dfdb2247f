using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace LayerProbe.Studies.Files;

/// <summary>
/// Reads one mapping of a study file key by key, typed, with every problem one line naming the place (file:line) and
/// the key's full path. Whatever is read, defaults included, is recorded in <see cref="Effective"/>: the study as it
/// ran, which the manifest keeps and <c>--rerun</c> reads back. <see cref="Finish"/> refuses keys nobody asked for.
/// </summary>
sealed class StudyNode
{
    readonly StudyYaml _file;
    readonly YamlMappingNode _node;
    readonly HashSet<string> _read = [];

    public StudyNode(StudyYaml file, YamlMappingNode node, string path, IReadOnlyDictionary<string, string>? vars = null) =>
        (_file, _node, Path, Vars) = (file, node, path, vars ?? new Dictionary<string, string>());

    /// <summary>The study's <c>vars:</c>; <c>${name}</c> in a text value is replaced by the value (e.g. a devkit folder).</summary>
    public IReadOnlyDictionary<string, string> Vars { get; init; }

    /// <summary>The key path of this mapping (empty at the top).</summary>
    public string Path { get; }
    /// <summary>The values read, in reading order (nested mappings as dictionaries, lists as lists).</summary>
    public Dictionary<string, object?> Effective { get; } = [];

    /// <summary>The place of this mapping.</summary>
    public string Where => _file.Where(_node);

    /// <summary>Whether <paramref name="key"/> is given (and not null).</summary>
    public bool Has(string key) => Find(key) is { } v && !IsNull(v);

    /// <summary>The keys given, in file order.</summary>
    public IEnumerable<string> Keys => _node.Children.Keys.OfType<YamlScalarNode>().Select(k => k.Value ?? "");

    public string? String(string key, string? fallback = null) => Record(key, Substitute(key, Scalar(key)) ?? fallback);

    public string RequiredString(string key) =>
        String(key) is { Length: > 0 } v ? v : throw Problem(Find(key) ?? _node, key, "is required");

    public int Int(string key, int fallback, int min = int.MinValue) => Record(key, OptionalInt(key, min) ?? fallback);

    public int? OptionalInt(string key, int min = int.MinValue)
    {
        var text = Scalar(key);
        if (text is null) return Record(key, (int?)null);
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v)) throw Problem(Find(key)!, key, $"'{text}' is not an integer");
        if (v < min) throw Problem(Find(key)!, key, $"{v} is below the smallest allowed value {min}");
        return Record(key, (int?)v);
    }

    public bool Bool(string key, bool fallback = false)
    {
        var text = Scalar(key);
        return Record(key, text switch
        {
            null => fallback,
            "true" or "True" or "yes" => true,
            "false" or "False" or "no" => false,
            _ => throw Problem(Find(key)!, key, $"'{text}' is not true or false"),
        });
    }

    /// <summary>A choice among <paramref name="allowed"/> (named in the error).</summary>
    public string Choice(string key, string fallback, IEnumerable<string> allowed)
    {
        var options = allowed.ToList();
        string value = Scalar(key) ?? fallback;
        return options.Contains(value) ? Record(key, value)! : throw Problem(Find(key)!, key, $"'{value}' is not one of {string.Join(", ", options)}");
    }

    /// <summary>A list of positive numbers; a single number is a list of one.</summary>
    public IReadOnlyList<double>? Numbers(string key, IReadOnlyList<double>? fallback = null)
    {
        var node = Find(key);
        if (node is null || IsNull(node)) return Record(key, fallback);
        var items = node is YamlSequenceNode list ? list.Children : [node];
        var values = items.Select(n => n is YamlScalarNode { Value: { } t } && double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && v > 0 && double.IsFinite(v)
            ? v : throw Problem(n, key, $"'{Text(n)}' is not a positive number")).ToList();
        if (values.Count == 0) throw Problem(node, key, "needs at least one value");
        return Record(key, (IReadOnlyList<double>)values);
    }

    /// <summary>A list of names; a single name is a list of one.</summary>
    public IReadOnlyList<string>? Names(string key, IReadOnlyList<string>? fallback = null)
    {
        var node = Find(key);
        if (node is null || IsNull(node)) return Record(key, fallback);
        var items = node is YamlSequenceNode list ? list.Children : [node];
        var values = items.Select(n => n is YamlScalarNode { Value: { Length: > 0 } t } ? Substitute(key, t)! : throw Problem(n, key, $"'{Text(n)}' is not a name")).ToList();
        if (values.Count == 0) throw Problem(node, key, "needs at least one name");
        return Record(key, (IReadOnlyList<string>)values);
    }

    /// <summary>A nested mapping (empty when absent).</summary>
    public StudyNode Map(string key)
    {
        var node = Find(key);
        _read.Add(key);
        var map = node is null || IsNull(node) ? new YamlMappingNode() : node as YamlMappingNode
            ?? throw Problem(node, key, $"must be a mapping of keys, not '{Text(node)}'");
        var child = new StudyNode(_file, map, Join(key), Vars);
        Effective[key] = child.Effective;
        return child;
    }

    /// <summary>The entries of a mapping of named entries (e.g. <c>data:</c>), in file order.</summary>
    public IReadOnlyList<(string Name, StudyNode Node)> Entries(string key)
    {
        var parent = Map(key);
        return parent.Keys.Select(name => (name, parent.Map(name))).ToList();
    }

    /// <summary>A list of named entries (<c>- name</c> or <c>- name: {settings}</c>), e.g. the steps.</summary>
    public IReadOnlyList<(string Name, StudyNode Settings)> NamedList(string key)
    {
        var node = Find(key);
        _read.Add(key);
        var list = new List<(string, StudyNode)>();
        var effective = new List<object?>();
        Effective[key] = effective;
        if (node is null || IsNull(node)) return list;
        if (node is not YamlSequenceNode sequence) throw Problem(node, key, "must be a list (- name or - name: {settings})");
        for (int i = 0; i < sequence.Children.Count; i++)
        {
            var item = sequence.Children[i];
            string name = StudyYaml.EntryName(item) ?? throw Problem(item, $"{key}[{i}]", "must be a name or 'name: {settings}'");
            var settings = item is YamlMappingNode m && m.Children.Values.First() is var v && !IsNull(v)
                ? v as YamlMappingNode ?? throw Problem(v, $"{key}.{name}", $"settings must be a mapping of keys, not '{Text(v)}'")
                : _file.MadeFor(item);
            var child = new StudyNode(_file, settings, Join($"{key}.{name}"), Vars);
            effective.Add(new Dictionary<string, object?> { [name] = child.Effective });
            list.Add((name, child));
        }
        return list;
    }

    /// <summary>Refuses keys that were given but never read (a typo, or a setting of another step).</summary>
    public void Finish()
    {
        foreach (var (k, _) in _node.Children)
        {
            string name = (k as YamlScalarNode)?.Value ?? "";
            if (!_read.Contains(name))
                throw Problem(k, name, $"unknown key (known here: {string.Join(", ", _read.Order())})");
        }
    }

    /// <summary>A one-line problem at the place of <paramref name="key"/> (or of this mapping when it is absent).</summary>
    public LayerProbeException Problem(string key, string problem) => Problem(Find(key) ?? _node, key, problem);

    LayerProbeException Problem(YamlNode node, string key, string problem) => LayerProbeException.For(_file.Where(node), $"{Join(key)}: {problem}");

    string Join(string key) => Path.Length == 0 ? key : $"{Path}.{key}";

    YamlNode? Find(string key)
    {
        _read.Add(key);
        return _node.Children.TryGetValue(new YamlScalarNode(key), out var v) ? v : null;
    }

    string? Scalar(string key)
    {
        var node = Find(key);
        if (node is null || IsNull(node)) return null;
        return node is YamlScalarNode s ? s.Value : throw Problem(node, key, $"must be a single value, not a {(node is YamlSequenceNode ? "list" : "mapping")}");
    }

    string? Substitute(string key, string? text)
    {
        if (text is null || !text.Contains("${", StringComparison.Ordinal)) return text;
        return System.Text.RegularExpressions.Regex.Replace(text, @"\$\{([^}]*)\}", m =>
            Vars.TryGetValue(m.Groups[1].Value, out var value) ? value
                : throw Problem(Find(key)!, key, $"'${{{m.Groups[1].Value}}}' is not one of the study's vars ({string.Join(", ", Vars.Keys)})"));
    }

    T Record<T>(string key, T value)
    {
        Effective[key] = value;
        return value;
    }

    static bool IsNull(YamlNode node) => node is YamlScalarNode { Style: not (YamlDotNet.Core.ScalarStyle.SingleQuoted or YamlDotNet.Core.ScalarStyle.DoubleQuoted) } s
                                        && s.Value is null or "" or "~" or "null";

    static string Text(YamlNode node) => node is YamlScalarNode s ? s.Value ?? "" : node is YamlSequenceNode ? "a list" : "a mapping";
}
