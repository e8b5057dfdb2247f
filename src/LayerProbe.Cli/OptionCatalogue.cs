using System.CommandLine;
using System.CommandLine.Parsing;
using LayerProbe.Data;

namespace LayerProbe.Cli;

/// <summary>
/// The one vocabulary of the command line: every option that more than one command takes is defined here once, with
/// its help text, so a concept has one name everywhere (a network is <c>--model</c>, data are data specifications in
/// <c>--data</c>/<c>--trainval</c>/<c>--test</c>, feature stores are <c>--store</c>/<c>--stores</c>, <c>--c</c> is a C
/// grid, …). Each call returns a fresh option (a command owns its options). New shared options join this catalogue.
/// <see cref="Deprecated"/> lists the old spellings still accepted for one release, <see cref="Flags"/> maps the library's
/// API parameter names to these flags.
/// </summary>
static class OptionCatalogue
{
    /// <summary>A network: an ONNX file or a built-in name.</summary>
    public static Option<string> Model(string? description = null) =>
        new("--model") { Description = description ?? $"network: an ONNX file or a built-in name ({string.Join(", ", Networks.ModelCatalog.Names)})", Required = true };

    /// <summary><c>--data</c>: a data specification.</summary>
    public static Option<string> Data(string description, bool required = true) =>
        new("--data") { Description = $"{description}: {DataSpecification.Grammar}", Required = required };

    /// <summary><c>--trainval</c>: the data specification probes learn from.</summary>
    public static Option<string> TrainVal() =>
        new("--trainval") { Description = $"labelled items the probes learn from (and pick C on): {DataSpecification.Grammar}", Required = true };

    /// <summary><c>--test</c>: the data specification probes are scored on.</summary>
    public static Option<string> Test(string description = "labelled items the probes are scored on", bool required = true) =>
        new("--test") { Description = $"{description}: a data specification like --trainval", Required = required };

    /// <summary><c>--store</c>: one complete feature store folder.</summary>
    public static Option<string> Store(string description = "complete feature store folder") =>
        new("--store") { Description = description, Required = true };

    /// <summary><c>--stores</c>: several feature stores, <c>DIR</c> or <c>NAME=DIR</c>.</summary>
    public static Option<string> Stores(string description = "comma-separated feature stores over the same items, DIR or NAME=DIR") =>
        new("--stores") { Description = description, Required = true };

    /// <summary><c>--trainval-store</c> / <c>--test-store</c>: the feature stores of a probe's two item sets.</summary>
    public static (Option<string> TrainVal, Option<string> Test) StorePair() =>
        (new("--trainval-store") { Description = "feature store of the items the classifiers are trained on", Required = true },
         new("--test-store") { Description = "feature store of the items AP is measured on", Required = true });

    /// <summary><c>--labels</c>: an item label file.</summary>
    public static Option<string> Labels(string description = "label file, 'id,class' lines covering the stores' items") =>
        new("--labels") { Description = description, Required = true };

    /// <summary><c>--out</c>: the output folder.</summary>
    public static Option<string> Out(string description = "output folder") => new("--out") { Description = description, Required = true };

    /// <summary><c>--layers</c>: comma-separated layer names.</summary>
    public static Option<string> Layers(string? defaultValue = null) => defaultValue is null
        ? new("--layers") { Description = "comma-separated layers (pool5, relu7, res3b, layer3.1, or ONNX value names)", Required = true }
        : new("--layers") { Description = "comma-separated layers (pool5, relu7, res3b, layer3.1, or ONNX value names)", DefaultValueFactory = _ => defaultValue };

    /// <summary><c>--c</c>: a C grid (one value: no search).</summary>
    public static Option<string?> CGrid(string defaultText) =>
        new("--c") { Description = $"SVM C grid, comma-separated; one value means no search (default {defaultText})" };

    /// <summary><c>--seed</c>.</summary>
    public static Option<int> Seed(string description, int defaultValue = 0) =>
        new("--seed") { Description = description, DefaultValueFactory = _ => defaultValue };

    /// <summary><c>--batch</c>.</summary>
    public static Option<int> Batch(string description, int defaultValue) =>
        new("--batch") { Description = description, DefaultValueFactory = _ => defaultValue };

    /// <summary><c>--float16</c>.</summary>
    public static Option<bool> Float16() => new("--float16") { Description = "store features as float16 instead of float32" };

    /// <summary><c>--input NAME</c>: the image input of a network with several data inputs.</summary>
    public static Option<string?> Input() =>
        new("--input") { Description = "the image input of a graph with several inputs (the others must not feed the layers used)" };

    /// <summary><c>--classes</c>: a class subset, as in a data specification's <c>classes=</c>.</summary>
    public static Option<string?> Classes(string description) => new("--classes") { Description = description };

    /// <summary><c>--finetune all|fc-only</c>.</summary>
    public static Option<string> FineTune(string? defaultValue) => Choice("--finetune",
        "replace the classifier by a data-sized one (R-CNN recipe) and train all layers or only the fully connected ones",
        Training.FineTuningModes.Names, defaultValue);

    /// <summary><c>--threads</c>: torch threads of a training run.</summary>
    public static Option<int?> TorchThreads() => new("--threads") { Description = "torch threads (fix it for bit-exact resumes; default: all cores)" };

    /// <summary><c>--box-regression</c>: R-CNN's bounding-box regression as a second result of detection.</summary>
    public static Option<bool> BoxRegression() => new("--box-regression")
    {
        Description = "detection (region items) only: also move the detections by R-CNN's class-specific box regressors (ridge on the first " +
                      "layer's features, λ 1000, pairs IoU > 0.6) and report their AP beside (\"+ BB\")",
    };

    /// <summary>
    /// A choice option: only <paramref name="allowed"/> values are accepted (case-insensitively, returned as spelled in
    /// <paramref name="allowed"/>); help shows them, and a wrong value is one line naming them.
    /// </summary>
    public static Option<string> Choice(string name, string description, IReadOnlyList<string> allowed, string? defaultValue = null)
    {
        var option = new Option<string>(name)
        {
            Description = $"{description} ({string.Join(" | ", allowed)})", // the default is shown by the help itself
            HelpName = string.Join("|", allowed),
            CustomParser = result =>
            {
                string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
                var match = allowed.FirstOrDefault(a => a.Equals(text, StringComparison.OrdinalIgnoreCase));
                if (match is null) result.AddError($"{name}: '{text}' is not one of {string.Join(", ", allowed)}");
                return match;
            },
        };
        if (defaultValue is not null) option.DefaultValueFactory = _ => defaultValue;
        option.CompletionSources.Add(allowed.ToArray());
        return option;
    }

    /// <summary>A comma-separated list whose items must each be one of <paramref name="allowed"/>.</summary>
    public static Option<string[]> ChoiceList(string name, string description, IReadOnlyList<string> allowed, IReadOnlyList<string> defaultValue) =>
        new(name)
        {
            Description = $"{description}, comma-separated ({string.Join(", ", allowed)}; default {string.Join(",", defaultValue)})",
            HelpName = string.Join(",", allowed),
            DefaultValueFactory = _ => [.. defaultValue],
            CustomParser = result =>
            {
                var items = (result.Tokens.Count > 0 ? result.Tokens[0].Value : "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                var bad = items.Where(i => !allowed.Contains(i, StringComparer.OrdinalIgnoreCase)).ToList();
                if (bad.Count > 0 || items.Length == 0)
                    result.AddError($"{name}: {(items.Length == 0 ? "nothing given" : $"'{bad[0]}' is not one of {string.Join(", ", allowed)}")}");
                return [.. items.Select(i => allowed.FirstOrDefault(a => a.Equals(i, StringComparison.OrdinalIgnoreCase))).OfType<string>()];
            },
        };

    static readonly List<(Option Option, string Old, string Use)> OldSpellings = [];

    /// <summary>The old spellings accepted for one release, each with what to write instead (the glossary's "before" column).</summary>
    public static IEnumerable<(string Old, string Use)> Deprecated => OldSpellings.Select(d => (d.Old, d.Use)).Distinct();

    /// <summary>
    /// Accepts <paramref name="old"/> for <paramref name="option"/> for one release; using it prints a deprecation line
    /// saying to write <paramref name="use"/> (default: the option's name).
    /// </summary>
    public static T WithDeprecated<T>(this T option, string old, string? use = null) where T : Option
    {
        option.Aliases.Add(old);
        OldSpellings.Add((option, old, use ?? option.Name));
        return option;
    }

    /// <summary>Marks a whole option as an old spelling (hidden from help) of <paramref name="use"/>.</summary>
    public static T Deprecates<T>(this T option, string use) where T : Option
    {
        option.Hidden = true;
        option.Description = $"deprecated: use {use}";
        OldSpellings.Add((option, option.Name, use));
        return option;
    }

    /// <summary>The deprecation lines for the old spellings used in <paramref name="parse"/>.</summary>
    public static IEnumerable<string> DeprecationLines(ParseResult parse) =>
        OldSpellings.Where(d => parse.GetResult(d.Option) is { Implicit: false, IdentifierToken: { } t } && t.Value == d.Old)
            .Select(d => $"layerprobe: {d.Old} is deprecated (accepted until the next release); use {d.Use}").Distinct();

    /// <summary>
    /// The flag of each API parameter name the library puts in its errors (<see cref="LayerProbeException.Parameter"/>):
    /// an error about <c>trainVal</c> names <c>--trainval</c>, the flag the user typed.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Flags { get; } = new Dictionary<string, string>
    {
        ["data"] = "--data", ["trainVal"] = "--trainval", ["test"] = "--test", ["fit"] = "--fit", ["heldOut"] = "--test",
        ["classes"] = "--classes", ["cGrid"] = "--c", ["solver"] = "--solver", ["size"] = "--size", ["batchSize"] = "--batch",
        ["preprocessing"] = "--preprocess", ["mode"] = "--mode", ["threads"] = "--threads", ["fgRule"] = "--fg-rule",
        ["device"] = "--device", ["display"] = "--display", ["finetune"] = "--finetune", ["model"] = "--model",
        ["proposals"] = "--proposals", ["windowSize"] = "--window-size", ["perClass"] = "--trainval-per-class", ["init"] = "--init",
    };
}
