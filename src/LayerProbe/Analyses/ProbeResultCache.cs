using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using LayerProbe.Data;
using LayerProbe.Features;

namespace LayerProbe.Analyses;

/// <summary>
/// A layer's probe result kept beside the stores it was computed from, so that a rerun of a study (or the demo) does not
/// probe the layer again. The file is content-addressed by everything the result depends on (<see cref="For"/>): the
/// content keys of the trainval and test stores (their manifests' keys, which name model, data, preprocessing, layer
/// and dtype) and their row counts, the items' ids and labels of both sets (so changed label files change it), the fit
/// split (which trainval items fit each C), the probe settings (solver, SVM settings, C grid), the layer and its shape.
/// Any difference names another file, so nothing stale is reused. Files live in <c>probe-results/</c> of the folder
/// holding the trainval store, as <c>probe-&lt;32 hex&gt;.json</c> (the full key inside), written under a temporary
/// name and renamed. A file that cannot be read back as the result of its key (truncated, edited, another format) is
/// ignored with a warning and rewritten: it is derived data whose inputs are all at hand, so recomputing is always
/// right, and refusing would only make the user delete it by hand.
/// </summary>
public sealed class ProbeResultCache
{
    const string Format = "layerprobe probe result v1";

    static readonly JsonSerializerOptions Json = new()
    {
        IncludeFields = true, // the per-class (name, AP) pairs
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals, // AP is NaN where the devkit's is
        Converters = { new JsonStringEnumConverter() },
    };

    sealed record Entry(string Format, string Key, LayerProbeResult Result);

    ProbeResultCache(string key, string path) => (Key, Path) = (key, path);

    /// <summary>The content key (lowercase hex SHA-256).</summary>
    public string Key { get; }
    /// <summary>The cache file of <see cref="Key"/>.</summary>
    public string Path { get; }

    /// <summary>
    /// The cache entry of probing <paramref name="layer"/> from the stores in <paramref name="trainDirectory"/> and
    /// <paramref name="testDirectory"/> on <paramref name="split"/> with <paramref name="settings"/>; null when a store
    /// has no manifest key to address it by (then the layer is simply probed).
    /// </summary>
    public static ProbeResultCache? For(string layer, string trainDirectory, string testDirectory, int[] shape, ProbeSplit split, ProbeSettings settings)
    {
        if (StoreKey(trainDirectory) is not { } train || StoreKey(testDirectory) is not { } test) return null;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Add(string text) => hash.AppendData(Encoding.UTF8.GetBytes(text + "\n"));
        Add(Format);
        Add(layer);
        Add(string.Join("x", shape));
        Add(train);
        Add(test);
        Add(settings.Solver);
        Add(JsonSerializer.Serialize(settings.Svm, Json));
        Add(string.Join(",", settings.CGrid.Select(c => c.ToString("R", CultureInfo.InvariantCulture))));
        AddItems(hash, split.TrainVal);
        AddItems(hash, split.Test);
        Add(string.Join(",", split.Train));
        Add(string.Join(",", split.Validation));
        string key = Convert.ToHexStringLower(hash.GetHashAndReset());
        string folder = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(trainDirectory))!, "probe-results");
        return new ProbeResultCache(key, System.IO.Path.Combine(folder, $"probe-{key[..32]}.json"));
    }

    /// <summary>The store's content key and rows (a complete store's manifest), or null without a readable one.</summary>
    static string? StoreKey(string directory)
    {
        string manifest = System.IO.Path.Combine(directory, FeatureStoreFiles.Manifest);
        if (!File.Exists(manifest)) return null;
        try
        {
            var m = FeatureManifest.Read(manifest);
            return string.IsNullOrEmpty(m.Key) ? null : $"{m.Key} {m.Rows}";
        }
        catch (LayerProbeException) { return null; } // unreadable manifest: probed as before, without keeping the result
    }

    /// <summary>Item ids, class names and every label of a set.</summary>
    static void AddItems(IncrementalHash hash, ILabelledItemSet items)
    {
        var labels = items.Labels;
        hash.AppendData(Encoding.UTF8.GetBytes($"{items.Count} {labels.Classes.Count}\n{string.Join("\n", labels.Classes)}\n"));
        var row = new byte[labels.Classes.Count];
        for (int i = 0; i < items.Count; i++)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(items.Id(i) + "\n"));
            for (int c = 0; c < row.Length; c++) row[c] = (byte)(sbyte)labels[i, c];
            hash.AppendData(row);
        }
    }

    /// <summary>
    /// The kept result, or null when there is none; a file that is not the result of this key is reported on
    /// <paramref name="log"/> and null is returned (the caller probes and <see cref="Write"/>s it again).
    /// </summary>
    public LayerProbeResult? TryRead(string layer, int[] shape, TextWriter? log)
    {
        if (!File.Exists(Path)) return null;
        string? problem;
        try
        {
            var entry = JsonSerializer.Deserialize<Entry>(File.ReadAllBytes(Path), Json);
            problem = entry is null ? "empty" : entry.Format != Format ? $"format '{entry.Format}'" : entry.Key != Key ? "written for another key"
                : Complete(entry.Result, layer, shape) ? null : "incomplete result";
            if (problem is null) return entry!.Result;
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            problem = e.Message.Split('\n')[0];
        }
        (log ?? Console.Error).WriteLine($"layerprobe: warning: {Path}: ignored a kept probe result that cannot be read ({problem}); probing again and rewriting it");
        return null;
    }

    static bool Complete(LayerProbeResult? r, string layer, int[] shape) =>
        r is { Layer: not null, Shape: not null, PerClass: not null, Mean: not null, Training: not null } && r.Layer == layer && r.Shape.SequenceEqual(shape)
        && r.Training.Grid is not null && r.Training.FinalSettings is not null && r.PerClass.All(p => p.ClassName is not null)
        && r.Mean.SkippedClasses is not null && r.Mean.UndefinedClasses is not null;

    /// <summary>Keeps <paramref name="result"/> under the key (atomically); a failure to write is a warning on <paramref name="log"/>, not an error.</summary>
    public void Write(LayerProbeResult result, TextWriter? log)
    {
        try { AtomicFile.WriteBytes(Path, JsonSerializer.SerializeToUtf8Bytes(new Entry(Format, Key, result), Json)); }
        catch (LayerProbeException e)
        {
            (log ?? Console.Error).WriteLine($"layerprobe: warning: {e.Message} (the probe result is not kept; a rerun probes the layer again)");
        }
    }
}
