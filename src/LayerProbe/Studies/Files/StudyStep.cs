using LayerProbe.Reports;

namespace LayerProbe.Studies.Files;

/// <summary>Names a step may refer to: the networks, the probe tasks (data) and the study's layers.</summary>
sealed record StepContext(IReadOnlyList<string> Networks, IReadOnlyList<string> Data, IReadOnlyList<string> Layers);

/// <summary>
/// One step of a study: an analysis with its settings, the probe task (<c>data:</c>, default the first) and network
/// (<c>network:</c>, default the first) it works on, the report sub-folder it writes (<c>folder:</c>) and
/// <c>skip: true</c> to leave it out. Steps that analyse stored features need a <c>layerwise</c> step on the same
/// data and network before them; they read its stores and never extract again.
/// </summary>
abstract class StudyStep
{
    /// <summary>The step's name in the file (<c>layerwise</c>, <c>transforms</c>, …).</summary>
    public required string Kind { get; init; }
    /// <summary>The probe task.</summary>
    public required string Data { get; init; }
    /// <summary>The network.</summary>
    public required string Network { get; init; }
    /// <summary>Report sub-folder (null: the step writes no files of its own).</summary>
    public required string? Folder { get; init; }
    /// <summary>Left out of the run.</summary>
    public required bool Skip { get; init; }

    /// <summary>Probed layers whose stores the step reads (each must be a layer of the layer-wise step before it).</summary>
    public virtual IEnumerable<string> LayersRead => [];

    /// <summary>Whether the step's time and memory are measured and shown (every step but plain text).</summary>
    public virtual bool Measured => true;

    /// <summary>Runs the step; returns its section of the report.</summary>
    public abstract DemoSection Run(StudyContext context);
}

/// <summary>The step kinds by name, and the settings every step shares.</summary>
static class StudySteps
{
    delegate StudyStep Reader(StudyNode settings, StepCommon common);

    /// <summary>The common settings of one step, read before its own.</summary>
    internal sealed record StepCommon(string Kind, string Data, string Network, string DefaultFolder, bool Skip, StepContext Context)
    {
        /// <summary>The steps read before this one.</summary>
        public IReadOnlyList<StudyStep> Before { get; init; } = [];
    }

    static readonly Dictionary<string, Reader> Kinds = new()
    {
        ["layerwise"] = LayerwiseStep.Read,
        ["transforms"] = TransformsStep.Read,
        ["entropy"] = (s, c) => SectionStep.Read(s, c, (inputs, folder) => DemoEntropySection.Run(inputs, folder)),
        ["grandmother"] = GrandmotherStep.Read,
        ["heads"] = HeadsStep.Read,
        ["cka"] = (s, c) => SectionStep.Read(s, c, (inputs, folder) => DemoCkaSection.Run(inputs, folder)),
        ["training"] = TrainingStep.Read,
        ["text"] = TextStep.Read,
        ["detection"] = (s, c) => DetectionStep.Read(s, c, c.Before),
    };

    /// <summary>The step kinds.</summary>
    public static IEnumerable<string> Names => Kinds.Keys;

    public static StudyStep Read(string kind, StudyNode settings, StepContext context, IReadOnlyList<StudyStep> before)
    {
        if (!Kinds.TryGetValue(kind, out var reader))
            throw LayerProbeException.For(settings.Where, $"{settings.Path}: unknown step (steps: {string.Join(", ", Kinds.Keys)})");
        string data = settings.Choice("data", context.Data[0], context.Data);
        string network = settings.Choice("network", context.Networks[0], context.Networks);
        bool skip = settings.Bool("skip");
        string folder = data == context.Data[0] && network == context.Networks[0] ? kind : $"{kind}-{data}-{network}";
        var step = reader(settings, new StepCommon(kind, data, network, folder, skip, context) { Before = before });
        if (skip || step is LayerwiseStep or TrainingStep or TextStep or DetectionStep) return step;
        var layerwise = before.OfType<LayerwiseStep>().LastOrDefault(s => !s.Skip && s.Data == data && s.Network == network)
            ?? throw LayerProbeException.For(settings.Where, $"{settings.Path}: needs a layerwise step on data '{data}' and network '{network}' before it (it reads that step's stores)");
        foreach (var layer in step.LayersRead)
            if (!layerwise.Layers.Contains(layer))
                throw LayerProbeException.For(settings.Where, $"{settings.Path}: layer '{layer}' is not probed by the layerwise step before it (probed: {string.Join(", ", layerwise.Layers)})");
        return step;
    }

    /// <summary>The report folder of a step (<c>folder:</c>, checked to stay inside the report).</summary>
    public static string Folder(StudyNode settings, string fallback)
    {
        string folder = settings.String("folder", fallback)!;
        if (folder.Length > 0 && (Path.IsPathRooted(folder) || folder.Split('/', '\\').Any(p => p is ".." or ".")))
            throw settings.Problem("folder", $"'{folder}' must be a sub-folder name of the report");
        return folder;
    }
}

/// <summary>A step that only adds text to the report page (a heading and a paragraph), e.g. to open a part.</summary>
sealed class TextStep : StudyStep
{
    public required int Level { get; init; }
    public required string? Heading { get; init; }
    public required string? Paragraph { get; init; }

    public override bool Measured => false;

    internal static StudyStep Read(StudyNode s, StudySteps.StepCommon c) => new TextStep
    {
        Kind = c.Kind, Data = c.Data, Network = c.Network, Folder = null, Skip = c.Skip,
        Heading = s.String("heading"), Level = s.Int("level", 1, min: 1), Paragraph = s.String("paragraph"),
    };

    public override DemoSection Run(StudyContext context)
    {
        var page = new ReportPage("");
        if (Heading is not null) page.Heading(Level, Heading);
        if (Paragraph is not null) page.Paragraph(Paragraph);
        return new DemoSection(Kind, page.Blocks, [], new Dictionary<string, double>());
    }
}
