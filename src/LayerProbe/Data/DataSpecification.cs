using System.Globalization;

namespace LayerProbe.Data;

/// <summary>
/// A parsed data specification, the one grammar every command and study uses for data:
/// <c>SOURCE:ARGUMENT[:classes=LIST][:per-class=N][:seed=S]</c>. The source and its argument say where the items are
/// (<see cref="DataSources"/> holds the sources); the trailing fields are the same for every source: <c>classes=</c> keeps
/// the items of those classes, relabelled 0 … k−1 in the order written (single-label items); <c>per-class=</c> keeps a
/// seeded stratified subset of N items per class; <c>seed=</c> seeds it (default 0). Region items
/// (<c>voc2007:DEVKIT:SPLIT:proposals:STORE</c>) also take <c>max-proposals=N</c>: each image's first N proposals in the
/// store's rank order (every GT box stays). Box and region items (and <c>voc2007-windows</c>) take <c>context=N</c>: pixels of
/// context around the warped box in the network's input (R-CNN: 16 at 227; a small network needs fewer).
/// </summary>
/// <param name="Text">The specification as written.</param>
/// <param name="Source">The source name (the part before the first colon).</param>
/// <param name="Argument">What the source reads (the fields between the source and the trailing fields).</param>
/// <param name="Classes">The class subset, or null for every class.</param>
/// <param name="PerClass">Items per class of the stratified subset, or null for all.</param>
/// <param name="Seed">Seed of the stratified subset.</param>
/// <param name="Parameter">The API parameter it came from, named in errors (e.g. <c>trainVal</c>).</param>
public sealed record DataSpecification(string Text, string Source, string Argument, IReadOnlyList<int>? Classes, int? PerClass, int Seed, string Parameter)
{
    /// <summary>Proposals per image of region items (<c>max-proposals=N</c>), or null for all.</summary>
    public int? MaxProposals { get; init; }

    /// <summary>Pixels of context of the warp of box and region items (<c>context=N</c>), or null for R-CNN's 16.</summary>
    public int? Context { get; init; }

    /// <summary>The grammar, as help texts and errors state it.</summary>
    public const string Grammar =
        "SOURCE:ARGS[:classes=5-9][:per-class=N][:seed=S] with SOURCE fashion-mnist:train|test, voc2007:DEVKIT:SPLIT[:images|gt-boxes|proposals:STORE[:max-proposals=N]][:context=N], images:DIR";

    /// <summary>Names of the trailing fields.</summary>
    public static IReadOnlyList<string> Fields { get; } = ["classes", "per-class", "seed", "max-proposals", "context"];

    /// <summary>Parses <paramref name="text"/>; a malformed trailing field is an error naming <paramref name="parameter"/>.</summary>
    public static DataSpecification Parse(string text, string parameter)
    {
        int colon = text.IndexOf(':');
        string source = colon < 0 ? text : text[..colon];
        var fields = colon < 0 ? [] : text[(colon + 1)..].Split(':').ToList();
        IReadOnlyList<int>? classes = null;
        int? perClass = null;
        int seed = 0;
        int? maxProposals = null, context = null;
        while (fields.Count > 0 && fields[^1].IndexOf('=') is > 0 and var eq)
        {
            string key = fields[^1][..eq], value = fields[^1][(eq + 1)..];
            switch (key)
            {
                case "classes": classes = ClassList.Parse(value, parameter); break;
                case "per-class":
                    perClass = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n > 0 ? n
                        : throw LayerProbeException.ForParameter(parameter, $"per-class={value} is not a positive integer (in '{text}')");
                    break;
                case "max-proposals":
                    maxProposals = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int m) && m > 0 ? m
                        : throw LayerProbeException.ForParameter(parameter, $"max-proposals={value} is not a positive integer (in '{text}')");
                    break;
                case "context":
                    context = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int p) ? p
                        : throw LayerProbeException.ForParameter(parameter, $"context={value} is not a whole number of pixels (in '{text}')");
                    break;
                case "seed":
                    seed = int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int s) ? s
                        : throw LayerProbeException.ForParameter(parameter, $"seed={value} is not an integer (in '{text}')");
                    break;
                default:
                    throw LayerProbeException.ForParameter(parameter, $"unknown field '{key}=' in '{text}' (known: {string.Join(", ", Fields.Select(f => f + "="))})");
            }
            fields.RemoveAt(fields.Count - 1);
        }
        return new DataSpecification(text, source, string.Join(':', fields), classes, perClass, seed, parameter) { MaxProposals = maxProposals, Context = context };
    }

    /// <summary>An error about this specification, naming its parameter and quoting it.</summary>
    public LayerProbeException Error(string problem) => LayerProbeException.ForParameter(Parameter, $"{Text}: {problem}");

    /// <summary>Whether the trailing fields ask for a subset.</summary>
    public bool HasSubset => Classes is not null || PerClass is not null;
}
