using LayerProbe.Detection;
using LayerProbe.Features.Transforms;
using LayerProbe.Proposals;
using LayerProbe.Regions;
using LayerProbe.Scenes;

namespace LayerProbe.Studies.Files;

/// <summary>
/// One network of a detection step (<c>runs: NAME: {…}</c>): a network of the study (NAME, or <c>network:</c>) or one the
/// training step before it wrote (<c>trained: ft-full</c>), its layers (the first extracted, the others by its head),
/// transforms of one layer (draft Table 6), shared-conv settings, and a fine-tuning-for-detection recipe after which
/// the same detection runs again on the fine-tuned network; <c>size:</c> and <c>context:</c> set the warp for this run
/// (a 28-pixel network has no room for R-CNN's 16 pixels of context).
/// </summary>
sealed record DetectionRunPlan(string Name, string? Network, string? Trained, string? Title, IReadOnlyList<string> Layers,
    IReadOnlyList<string> Transforms, string? TransformLayer, IReadOnlyList<string> Regions, SharedConvSettings? SharedConv,
    DetectionFineTuneRecipe? FineTune, bool TrainingSkipped, string Where)
{
    /// <summary>Input side for this run (null: the network entry's).</summary>
    public int? Size { get; init; }
    /// <summary>Pixels of context around each warped region (null: R-CNN's 16).</summary>
    public int? Context { get; init; }

    /// <summary>A data specification with this run's context appended.</summary>
    public string WithContext(string specification) => Context is { } c ? $"{specification}:context={c.ToString(System.Globalization.CultureInfo.InvariantCulture)}" : specification;
}

/// <summary>
/// Step <c>detection</c> (paper Tables 1 DET, 3, 5, 6; issue 18's warp vs shared-conv): R-CNN detection per layer on
/// region items — the step's data when its trainval and test are <c>voc2007:…:proposals:STORE</c> specifications, or
/// Fashion-MNIST scenes and their selective-search proposals the step makes itself (<c>scenes:</c>, <c>proposals:</c>;
/// under the study's <c>OUTPUT/cache</c>, content-addressed). Per network of <c>runs:</c>: per-layer AP, per-class AP,
/// PR curves, pictures and cost for each region mode of <c>regions:</c>, with box regression when asked, before and after
/// fine-tuning for detection, and the paper's tables named by <c>paper:</c> beside.
/// </summary>
sealed class DetectionStep : StudyStep
{
    /// <summary>Region modes, in the order they are run and shown.</summary>
    public static readonly string[] Modes = ["warp", "shared-conv"];
    /// <summary>The networks the demo's training step writes (OUTPUT/training/NAME.onnx).</summary>
    public static readonly string[] TrainedNetworks = ["ft-full", "ft-fc-only"];

    public required SceneSettings? Scenes { get; init; }
    public required string ProposalMode { get; init; }
    public required int? MaxProposals { get; init; }
    public required DetectionTaskSettings Settings { get; init; }
    public required IReadOnlyList<string> Paper { get; init; }
    public required string Heading { get; init; }
    public required IReadOnlyList<DetectionRunPlan> Runs { get; init; }
    public required string Where { get; init; }

    internal static StudyStep Read(StudyNode s, StudySteps.StepCommon c, IReadOnlyList<StudyStep> before)
    {
        var scenesNode = s.Has("scenes") ? s.Map("scenes") : null;
        SceneSettings? scenes = null;
        if (scenesNode is not null)
        {
            scenes = new SceneSettings
            {
                Images = scenesNode.Int("images", 80, min: 2), Seed = scenesNode.Int("seed", 1),
                Width = scenesNode.Int("width", 200, min: SceneLayout.MaxSide + 2 * SceneLayout.Margin),
                Height = scenesNode.Int("height", 180, min: SceneLayout.MaxSide + 2 * SceneLayout.Margin),
                TestPercent = scenesNode.Int("test_percent", 50, min: 1),
            };
            if (scenes.TestPercent > 99) throw scenesNode.Problem("test_percent", $"{scenes.TestPercent} is more than 99");
            scenesNode.Finish();
        }
        var proposals = s.Map("proposals");
        string mode = proposals.Choice("mode", "fast", SelectiveSearchSettings.Modes);
        int? cap = proposals.OptionalInt("max_per_image", min: 1);
        if (scenes is null && proposals.Keys.Any())
            throw s.Problem("proposals", "applies to scenes the step makes (scenes:); data given as specifications carry :max-proposals=N themselves");
        proposals.Finish();

        var settings = DetectionTaskSettings.Rcnn;
        if (s.Has("c"))
        {
            var cs = s.Numbers("c")!;
            if (cs.Count != 1 || !(cs[0] > 0)) throw s.Problem("c", "detection takes one positive C (R-CNN: 0.001)");
            settings = settings with { Training = settings.Training with { Svm = settings.Training.Svm with { C = cs[0] } } };
        }
        else s.Numbers("c", [settings.Training.Svm.C]);
        if (s.Bool("box_regression")) settings = settings with { BoxRegression = BoxRegressionSettings.Rcnn };
        var regions = s.Names("regions", ["warp"])!;
        foreach (var r in regions)
            if (!Modes.Contains(r)) throw s.Problem("regions", $"unknown region mode '{r}' (modes: {string.Join(", ", Modes)})");
        var paper = s.Names("paper") ?? [];
        foreach (var p in paper)
            if (!DetectionPaperTables.Names.Contains(p)) throw s.Problem("paper", $"unknown table '{p}' (tables: {string.Join(", ", DetectionPaperTables.Names)})");

        bool trainingSkipped = before.OfType<TrainingStep>().LastOrDefault() is { Skip: true };
        bool trainingBefore = before.OfType<TrainingStep>().Any();
        var runs = new List<DetectionRunPlan>();
        foreach (var (name, node) in s.Entries("runs"))
            runs.Add(ReadRun(name, node, c.Context, regions, trainingBefore, trainingSkipped));
        if (runs.Count == 0) throw s.Problem("runs", "needs at least one network (runs: NAME: {layers: [pool5, fc6, fc7]})");
        return new DetectionStep
        {
            Kind = c.Kind, Data = c.Data, Network = c.Network, Skip = c.Skip, Folder = StudySteps.Folder(s, c.DefaultFolder), Where = s.Where,
            Scenes = scenes, ProposalMode = mode, MaxProposals = cap, Settings = settings, Paper = paper, Runs = runs,
            Heading = s.String("heading", "Detection (R-CNN)")!,
        };
    }

    static DetectionRunPlan ReadRun(string name, StudyNode n, StepContext context, IReadOnlyList<string> stepRegions, bool trainingBefore, bool trainingSkipped)
    {
        string? trained = n.Has("trained") ? n.Choice("trained", TrainedNetworks[0], TrainedNetworks) : null;
        string? network = trained is null ? n.Choice("network", context.Networks.Contains(name) ? name : context.Networks[0], context.Networks) : null;
        if (trained is not null && !trainingBefore) throw n.Problem("trained", "needs a training step before this step (it writes the network)");
        var layers = n.Names("layers") ?? throw n.Problem("layers", "is required (the first is extracted, the others computed from it by the network's head)");
        if (layers.Count == 0) throw n.Problem("layers", "needs at least one layer");
        var transforms = n.Names("transforms") ?? [];
        foreach (var t in transforms)
            if (!FeatureTransforms.Names.Contains(t)) throw n.Problem("transforms", $"unknown transform '{t}' (known: {string.Join(", ", FeatureTransforms.Names)})");
        string? transformLayer = n.String("transform_layer");
        if (transformLayer is not null && !layers.Contains(transformLayer)) throw n.Problem("transform_layer", $"'{transformLayer}' is not one of layers ({string.Join(", ", layers)})");
        var regions = n.Names("regions", stepRegions)!;
        foreach (var r in regions)
            if (!Modes.Contains(r)) throw n.Problem("regions", $"unknown region mode '{r}' (modes: {string.Join(", ", Modes)})");
        SharedConvSettings? shared = null;
        if (regions.Contains("shared-conv") && !n.Has("shared_conv"))
            throw n.Problem("shared_conv", "is required when regions has shared-conv (layer: the layer run once per image, e.g. relu5 before pool5; shorter_side, max_side)");
        var sharedNode = n.Map("shared_conv");
        if (regions.Contains("shared-conv"))
        {
            shared = new SharedConvSettings
            {
                Layer = sharedNode.String("layer") ?? throw sharedNode.Problem("layer", "is required when regions has shared-conv (the layer run once per image, e.g. relu5 before pool5)"),
                ShorterSide = sharedNode.Int("shorter_side", 600, min: 1), MaxSide = sharedNode.Int("max_side", 1000, min: 1),
                RegionBatch = sharedNode.Int("region_batch", 256, min: 1),
            };
        }
        sharedNode.Finish();
        DetectionFineTuneRecipe? fineTune = null;
        if (n.Has("finetune"))
        {
            var f = n.Map("finetune");
            var lr = f.Numbers("lr", [0.001])!;
            if (lr.Count != 1) throw f.Problem("lr", "takes one learning rate");
            fineTune = new DetectionFineTuneRecipe(f.Int("iterations", 200, min: 1), lr[0], f.Int("batch", 128, min: 2), f.Int("seed", 1));
            f.Finish();
        }
        var plan = new DetectionRunPlan(name, network, trained, n.String("title"), layers, transforms, transformLayer, regions, shared, fineTune,
            trained is not null && trainingSkipped, n.Where) { Size = n.OptionalInt("size", min: 1), Context = n.OptionalInt("context", min: 0) };
        n.Finish();
        return plan;
    }

    public override DemoSection Run(StudyContext context) => DetectionStepRun.Run(this, context);

    /// <summary>Checks, before anything is written, that the step's data are region items (unless it makes scenes).</summary>
    public void CheckData(StudyContext context)
    {
        if (Scenes is not null) return;
        var entry = context.Study.Data.First(d => d.Name == Data);
        foreach (var (spec, key) in new[] { (entry.TrainVal, "trainval"), (entry.Test, "test") })
            StudyPlace.Guard(entry.Where, $"data.{entry.Name}", () =>
            {
                using var regions = Features.ItemSetSources.RegionItems(spec, key);
                return regions.Count;
            });
    }
}
