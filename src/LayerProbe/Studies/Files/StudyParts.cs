using LayerProbe.Analyses;
using LayerProbe.Data;
using LayerProbe.Networks;

namespace LayerProbe.Studies.Files;

/// <summary>
/// A network of a study file (<c>networks: NAME: {model: …}</c>): the ONNX file or built-in name, the image input, the
/// input convention asked for (preset and overrides, as <c>--preprocess</c>), and the name tables and plots use.
/// </summary>
/// <param name="Name">The entry's key (steps name it with <c>network:</c>).</param>
/// <param name="Model">ONNX file or built-in name (<c>resnet18-imagenet</c>).</param>
/// <param name="Title">How tables and plots name the network.</param>
/// <param name="Input">The image input of a graph with several data inputs (null: the only one).</param>
/// <param name="Preprocessing">Input convention and side.</param>
/// <param name="Where">Place of the entry in the study file (for problems found when the network is loaded).</param>
sealed record StudyNetwork(string Name, string Model, string Title, string? Input, PreprocessingRequest Preprocessing, string? Where)
{
    internal static StudyNetwork Read(string name, StudyNode node)
    {
        string model = node.RequiredString("model");
        if (!ModelCatalog.Names.Contains(model) && !File.Exists(model)) throw node.Problem("model", $"no such ONNX file '{model}' (nor a built-in name: {string.Join(", ", ModelCatalog.Names)})");
        string title = node.String("title", name)!;
        string? input = node.String("input");
        string? preset = node.String("preprocess");
        if (preset is not null && !InputConvention.Presets.ContainsKey(preset))
            throw node.Problem("preprocess", $"unknown input convention '{preset}' (known: {InputConvention.PresetList.Replace('|', ',')})");
        string? meanFile = node.String("mean_file");
        if (meanFile is not null && !File.Exists(meanFile)) throw node.Problem("mean_file", $"no such file '{meanFile}'");
        int? size = node.OptionalInt("size", min: 1);
        var channels = node.String("channels") is { } c
            ? Enum.TryParse<ChannelOrder>(c, ignoreCase: true, out var order) ? order : throw node.Problem("channels", $"'{c}' is not rgb, bgr or grey")
            : (ChannelOrder?)null;
        float? scale = node.String("scale") is { } s ? (float)StudyNumbers.Parse(s, node, "scale") : null;
        var mean = node.Numbers("mean")?.Select(v => (float)v).ToArray();
        var std = node.Numbers("std")?.Select(v => (float)v).ToArray();
        node.Finish();
        return new StudyNetwork(name, model, title, input, new PreprocessingRequest(preset, channels, scale, mean, meanFile, std, size), node.Where);
    }

    /// <summary>
    /// Loads the network and adapts it as <c>probe</c> and <c>extract</c> do (<see cref="InputAdaptation.AtInputSide"/>:
    /// a side other than the declared one gets a new graph; extraction frees a fixed batch itself), so that the study's
    /// stores have the same keys as theirs and a sharded <c>extract</c> fills them (<see cref="StudyShards"/>).
    /// </summary>
    public (OnnxNetwork Source, OnnxNetwork Adapted) Load()
    {
        var source = StudyPlace.Guard(Where, $"networks.{Name}", () => OnnxNetwork.Load(Model, Input));
        return (source, StudyPlace.Guard(Where, $"networks.{Name}", () => source.AtInputSide(Preprocessing.Size)));
    }
}

/// <summary>
/// A probe task of a study file (<c>data: NAME: {trainval: SPEC, test: SPEC}</c>): items the probes learn from, items
/// they are scored on (data specifications as on the command line), optionally the trainval items that fit each C
/// (e.g. VOC's train split; default: halves per class) and a class subset.
/// </summary>
sealed record StudyData(string Name, string TrainVal, string Test, string? Fit, IReadOnlyList<int>? Classes, string? Where)
{
    internal static StudyData Read(string name, StudyNode node)
    {
        var data = new StudyData(name, node.RequiredString("trainval"), node.RequiredString("test"), node.String("fit"),
            node.Names("classes")?.Select(c => int.TryParse(c, out int k) && k >= 0 ? k : throw node.Problem("classes", $"'{c}' is not a class index")).ToList(),
            node.Where);
        node.Finish();
        return data;
    }

    /// <summary>The split and preprocessor for <paramref name="network"/>; a bad specification names this entry.</summary>
    public (ProbeSplit Split, IPreprocessor Preprocessor) Resolve(OnnxNetwork network, PreprocessingRequest request) =>
        StudyPlace.Guard(Where, $"data.{Name}", () =>
        {
            var (trainVal, preprocessor) = Labelled(TrainVal, network, request, "trainval");
            var (test, _) = Labelled(Test, network, request, "test");
            if (Classes is { } classes) (trainVal, test) = (new ClassSubsetItems(trainVal, classes), new ClassSubsetItems(test, classes));
            var fitIds = Fit is { } f ? Ids(Features.ItemSetSources.Create(f, network, request).Items) : null;
            return (ProbeSplit.Create(trainVal, test, fitIds), preprocessor);
        });

    static (ILabelledItemSet, IPreprocessor) Labelled(string spec, OnnxNetwork network, PreprocessingRequest request, string key)
    {
        var (items, preprocessor) = Features.ItemSetSources.Create(spec, network, request);
        return items is ILabelledItemSet labelled ? (labelled, preprocessor)
            : throw new LayerProbeException($"{key}: '{spec}' has no class labels");
    }

    static IEnumerable<string> Ids(IItemSet items) => Enumerable.Range(0, items.Count).Select(items.Id);
}

/// <summary>Numbers written as text in a study file (<c>1/255</c> is allowed where a scale is asked for).</summary>
static class StudyNumbers
{
    public static double Parse(string text, StudyNode node, string key)
    {
        var parts = text.Split('/');
        if (parts.Length <= 2 && parts.All(p => double.TryParse(p, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _)))
        {
            var values = parts.Select(p => double.Parse(p, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            double v = values.Length == 2 ? values[0] / values[1] : values[0];
            if (double.IsFinite(v) && v > 0) return v;
        }
        throw node.Problem(key, $"'{text}' is not a positive number");
    }
}

/// <summary>Problems found while resolving a part of a study (a network that will not load, a data spec that does not
/// resolve) are said at that part's place in the study file.</summary>
static class StudyPlace
{
    /// <summary>Runs <paramref name="body"/>; its problem is said at <paramref name="where"/> (null: as it is, for callers in code).</summary>
    public static T Guard<T>(string? where, string key, Func<T> body)
    {
        if (where is null) return body();
        try { return body(); }
        catch (LayerProbeException e) { throw new LayerProbeException($"{where}: {key}: {e.Message}", e); }
    }
}
