using LayerProbe.Features.Transforms;

namespace LayerProbe.Studies.Files;

/// <summary>A step that runs one analysis section on the stores of the layer-wise step before it (<c>entropy</c>, <c>cka</c>).</summary>
sealed class SectionStep : StudyStep
{
    public required Func<DemoSectionInputs, string, DemoSection> Section { get; init; }

    internal static StudyStep Read(StudyNode s, StudySteps.StepCommon c, Func<DemoSectionInputs, string, DemoSection> section) => new SectionStep
    {
        Kind = c.Kind, Data = c.Data, Network = c.Network, Skip = c.Skip, Folder = StudySteps.Folder(s, c.DefaultFolder), Section = section,
    };

    public override DemoSection Run(StudyContext context) => Section(context.SectionInputs(this), Folder!);
}

/// <summary>
/// Step <c>transforms</c> (paper Tables 6–7, Table 8's sp-max columns): the layer-wise probes again on transformed
/// features of <c>layers</c> under each of <c>transforms</c>, beside the paper's table named by <c>paper:</c>.
/// </summary>
sealed class TransformsStep : StudyStep
{
    public required DemoTransformsSection.Plan Plan { get; init; }

    internal static StudyStep Read(StudyNode s, StudySteps.StepCommon c)
    {
        var layers = s.Names("layers") ?? throw s.Problem("layers", "is required (the probed layers to transform)");
        var transforms = s.Names("transforms", DemoTransformsSection.Transforms)!;
        foreach (var t in transforms)
            if (!FeatureTransforms.Names.Contains(t)) throw s.Problem("transforms", $"unknown transform '{t}' (known: {string.Join(", ", FeatureTransforms.Names)})");
        var paper = PaperTable.Transforms[s.Choice("paper", "table7", PaperTable.Transforms.Keys)];
        return new TransformsStep
        {
            Kind = c.Kind, Data = c.Data, Network = c.Network, Skip = c.Skip, Folder = StudySteps.Folder(s, c.DefaultFolder),
            Plan = new DemoTransformsSection.Plan(layers, transforms, paper),
        };
    }

    public override IEnumerable<string> LayersRead => Plan.Layers;

    public override DemoSection Run(StudyContext context) => DemoTransformsSection.Run(context.SectionInputs(this), Folder!, Plan);
}

/// <summary>Step <c>grandmother</c> (paper Fig. 5): filters needed per class on the sp-max responses of <c>layer</c>.</summary>
sealed class GrandmotherStep : StudyStep
{
    public required string Layer { get; init; }

    internal static StudyStep Read(StudyNode s, StudySteps.StepCommon c) => new GrandmotherStep
    {
        Kind = c.Kind, Data = c.Data, Network = c.Network, Skip = c.Skip, Folder = StudySteps.Folder(s, c.DefaultFolder),
        Layer = s.RequiredString("layer"),
    };

    public override IEnumerable<string> LayersRead => [Layer];

    public override DemoSection Run(StudyContext context) => DemoGrandmotherSection.Run(context.SectionInputs(this), Folder!, Layer);
}

/// <summary>Step <c>heads</c> (paper §4.3): non-linear heads on <c>layer</c> beside the linear probes of it and of <c>reference</c>.</summary>
sealed class HeadsStep : StudyStep
{
    public required string Layer { get; init; }
    public required string Reference { get; init; }

    internal static StudyStep Read(StudyNode s, StudySteps.StepCommon c) => new HeadsStep
    {
        Kind = c.Kind, Data = c.Data, Network = c.Network, Skip = c.Skip, Folder = StudySteps.Folder(s, c.DefaultFolder),
        Layer = s.RequiredString("layer"), Reference = s.RequiredString("reference"),
    };

    public override IEnumerable<string> LayersRead => [Layer, Reference];

    public override DemoSection Run(StudyContext context) => DemoHeadsSection.Run(context.SectionInputs(this), Folder!, Layer, Reference);
}

/// <summary>
/// Step <c>training</c>: the demo's training studies in miniature (CaffeNet-mini pre-trained on five Fashion-MNIST
/// classes, fine-tuned on the other five, probed: paper Tables 1, 2, 4, 5, 8 and Fig. 1); sizes from
/// <c>train_per_class</c>, <c>test_per_class</c> and <c>seed</c>.
/// </summary>
sealed class TrainingStep : StudyStep
{
    public required int TrainPerClass { get; init; }
    public required int TestPerClass { get; init; }
    public required int Seed { get; init; }

    internal static StudyStep Read(StudyNode s, StudySteps.StepCommon c) => new TrainingStep
    {
        Kind = c.Kind, Data = c.Data, Network = c.Network, Skip = c.Skip, Folder = null,
        TrainPerClass = s.Int("train_per_class", 100, min: 2), TestPerClass = s.Int("test_per_class", 100, min: 1), Seed = s.Int("seed", 1),
    };

    public override DemoSection Run(StudyContext context)
    {
        var options = new DemoOptions
        {
            OutputDirectory = context.Study.Output, TrainPerClass = TrainPerClass, TestPerClass = TestPerClass, Seed = Seed,
            CGrid = context.Study.Probe.CGrid, Device = context.Study.Extraction.Device,
        };
        var (files, blocks) = DemoTrainingSection.Run(options, context.Report, context.Log);
        return new DemoSection(Kind, blocks, files, new Dictionary<string, double>());
    }
}
