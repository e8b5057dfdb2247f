using System.Diagnostics;
using Google.Protobuf;
using LayerProbe.Analyses;
using LayerProbe.Data;
using LayerProbe.Features;
using LayerProbe.Networks;
using LayerProbe.Reports;
using LayerProbe.Training;

namespace LayerProbe.Studies;

/// <summary>
/// The demo's training section: the paper's training studies in miniature. CaffeNet-mini is trained from scratch on
/// five Fashion-MNIST classes (the "ImageNet" role) with snapshots, then fine-tuned (all layers, fc-only) on the other five
/// (the "PASCAL" role: a disjoint label set with its own images), and every network is probed layer by layer on the
/// target task: training evolution (Table 4, Fig. 1), fine-tuning effect (Tables 1, 2, 8), short pre-training
/// (Table 5). Iterations scale with the demo's size options. Writes <see cref="ReadmeFile"/> (the README block) and
/// its tables/figures into the report folder; returns the written files.
/// </summary>
public static class DemoTrainingSection
{
    /// <summary>The section's Markdown on its own (the demo README and report.html include the same blocks).</summary>
    public const string ReadmeFile = "training.md";

    /// <summary>Pre-training classes: T-shirt/top, trouser, sandal, sneaker, bag.</summary>
    public static readonly int[] PretrainClasses = [0, 1, 5, 7, 8];
    /// <summary>Target-task classes: pullover, dress, coat, shirt, ankle boot (three confusable upper-body garments, so probes do not saturate).</summary>
    public static readonly int[] TaskClasses = [2, 3, 4, 6, 9];
    static readonly string[] Layers = ["pool1", "pool2", "relu3", "relu4", "pool5", "relu6", "relu7"];

    /// <summary>Sizes of the section, derived from the demo's options.</summary>
    public sealed record Plan(int PretrainIterations, int Batch, int FineTuneIterations, int FineTunePerClass, IReadOnlyList<int> Snapshots,
        int EarlySnapshot, int HeldOutItems)
    {
        /// <summary>
        /// Pre-training 20 and each fine-tuning 6 iterations per trainval image per class (2000/600 at the default 100),
        /// batch ≤ 64, fine-tuning on 10 images per trainval image per class, held-out top-1 on as many test images (≤ 1000).
        /// </summary>
        public static Plan For(DemoOptions options)
        {
            int iterations = Math.Max(8, 20 * options.TrainPerClass);
            var snapshots = new[] { 32, 16, 8, 4, 2 }.Select(d => iterations / d).Append(3 * iterations / 4).Append(iterations)
                .Where(i => i >= 1).Distinct().Order().ToList();
            int early = snapshots.Last(s => s <= iterations / 8 || s == snapshots[0]);
            return new Plan(iterations, Math.Clamp(4 * options.TrainPerClass, 8, 64), Math.Max(4, 6 * options.TrainPerClass),
                10 * options.TrainPerClass, snapshots, early, Math.Min(1000, 10 * options.TrainPerClass));
        }
    }

    /// <summary>Runs the section (the caller skips it under <see cref="DemoOptions.SkipTraining"/>); returns the files written into
    /// <paramref name="report"/> and the section's blocks of the report page.</summary>
    public static (IReadOnlyList<string> Files, IReadOnlyList<ReportBlock> Blocks) Run(DemoOptions options, string report, TextWriter log)
    {
        // One torch thread: this network is small enough that a second thread gains little on a quiet machine, while
        // on a busy one two spinning threads made training 12× slower (measured: 4 s vs 48 s for the same 60 iterations).
        // The trainers set it per iteration; the caller's count is restored when the section ends.
        return TorchGlobalState.WithThreads(null, () => RunSection(options, report, log));
    }

    static (IReadOnlyList<string> Files, IReadOnlyList<ReportBlock> Blocks) RunSection(DemoOptions options, string report, TextWriter log)
    {
        var clock = Stopwatch.StartNew();
        var plan = Plan.For(options);
        string work = Path.Combine(options.OutputDirectory, "training");
        const float scale = FashionMnistTrainingSource.UnitScale;
        var trainSplit = FashionMnist.Load("train", options.FashionMnistFolder);
        var testSplit = FashionMnist.Load("test", options.FashionMnistFolder);
        var pretrainData = FashionMnistTrainingSource.Load(trainSplit, PretrainClasses, 0, 0, scale);
        var pretrainTest = FashionMnistTrainingSource.Load(testSplit, PretrainClasses, 0, 0, scale);
        log.WriteLine($"demo/training: CaffeNet-mini from scratch on {pretrainData.Name}, {plan.PretrainIterations} iterations of {plan.Batch}");

        // Pre-training (the "ImageNet" role): the known from-scratch recipe, He init, lr drop at half-way.
        var spec = CaffeNetSpec.Mini(FashionMnist.Side, 1, 4, 512, PretrainClasses.Length, options.Seed);
        var start = OnnxNetwork.FromBytes(HeInit.Apply(CaffeNet.Build(spec), seed: 100).ToByteArray(), "caffenet-mini");
        var trainerOptions = new TrainerOptions { BatchSize = plan.Batch, Seed = options.Seed, Log = log, TestItems = plan.HeldOutItems, LogInterval = 50, Threads = 1 };
        var pretrainSolver = new SolverSettings { BaseLr = 0.02, StepSize = Math.Max(1, plan.PretrainIterations / 2), MaxIterations = plan.PretrainIterations };
        double pretrainTop1;
        using (var trainer = new Trainer(start, pretrainData, pretrainSolver, new LrMultipliers(),
                   trainerOptions with { TestSource = pretrainTest, Snapshots = plan.Snapshots, OutputDirectory = Path.Combine(work, "pretrain") }))
            pretrainTop1 = trainer.Run().Rows[^1].TestAccuracy ?? double.NaN;
        double pretrainSeconds = clock.Elapsed.TotalSeconds;
        var snapshots = SnapshotFolder.Read(Path.Combine(work, "pretrain"));

        // The target task (the "PASCAL" role): the other five classes, own images.
        var task = new StudyTask(Split(options, trainSplit, testSplit), StudyTask.DefaultPreprocessor, new ProbeSettings { CGrid = options.CGrid },
            Path.Combine(options.OutputDirectory, "features")) { Log = log, Extraction = new ExtractionOptions { Device = options.Device } };
        string taskName = $"Fashion-MNIST classes {string.Join(",", TaskClasses)}";
        var evolution = EvolutionStudy.Run(snapshots, Layers, task, report, taskName);
        double evolutionSeconds = clock.Elapsed.TotalSeconds - pretrainSeconds;

        var recipe = new FineTuneRecipe(
            FashionMnistTrainingSource.Load(trainSplit, TaskClasses, plan.FineTunePerClass, options.Seed, scale),
            FashionMnistTrainingSource.Load(testSplit, TaskClasses, 0, 0, scale),
            new SolverSettings { BaseLr = 0.002, StepSize = plan.FineTuneIterations, MaxIterations = plan.FineTuneIterations }, trainerOptions)
            { HeFcInit = true };
        var final = snapshots[^1];
        var early = snapshots.First(s => s.Iteration == plan.EarlySnapshot);
        log.WriteLine($"demo/training: fine-tuning on {recipe.Train.Name}, {plan.FineTuneIterations} iterations each (full and fc-only from iteration {final.Iteration}, full from {early.Iteration})");
        var full = recipe.Run(final.Network, FineTuningMode.AllLayers, Path.Combine(work, "ft-full.onnx"));
        var fcOnly = recipe.Run(final.Network, FineTuningMode.FcOnly, Path.Combine(work, "ft-fc-only.onnx"));
        var earlyFull = recipe.Run(early.Network, FineTuningMode.AllLayers, Path.Combine(work, $"ft-full-from-{early.Iteration}.onnx"));
        double fineTuneSeconds = clock.Elapsed.TotalSeconds - pretrainSeconds - evolutionSeconds;

        var effect = FineTuneEffectStudy.Run(final.Network, fcOnly.Network, full.Network, Layers, task, report, taskName, TaskClasses.Length);
        var shortRun = ShortPretrainingStudy.Compare(early.Iteration, final.Iteration, earlyFull.Network, full.Network,
            [earlyFull.HeldOutTop1, full.HeldOutTop1], Layers, task, report, taskName);

        var representations = FineTuneRepresentations.Compare(final.Network, full.Network, Layers, task,
            $"{taskName} test items: label entropy per unit (mean, bits, rank thresholds) and linear CKA, pre-trained vs fully fine-tuned");
        var representationFiles = TableWriters.WriteAll(representations, report, "finetune-representations");
        var facts = new TrainingFacts(plan, pretrainTop1, fcOnly.HeldOutTop1, full.HeldOutTop1, earlyFull.HeldOutTop1,
            pretrainSeconds, evolutionSeconds, fineTuneSeconds, clock.Elapsed.TotalSeconds);
        var blocks = DemoTrainingReadme.Blocks(facts, evolution, effect, representations, shortRun);
        AtomicFile.WriteText(Path.Combine(report, ReadmeFile), MarkdownReport.Render(blocks));
        log.WriteLine($"demo/training: done in {clock.Elapsed.TotalSeconds:F0}s (pre-training {pretrainSeconds:F0}s, fine-tuning {fineTuneSeconds:F0}s)");
        return ([.. evolution.Files, .. effect.Files, .. shortRun.Files, .. representationFiles, ReadmeFile], blocks);
    }

    /// <summary>Probe task: TrainPerClass trainval / TestPerClass test images of each target class (the demo's stratified subsets, restricted).</summary>
    static ProbeSplit Split(DemoOptions options, FashionMnist train, FashionMnist test)
    {
        int classes = FashionMnist.ClassNames.Count;
        var trainVal = new ClassSubsetItems(new FashionMnistItems(train, StratifiedSubset.Select(train.Labels, classes, options.TrainPerClass, options.Seed)), TaskClasses);
        var testItems = new ClassSubsetItems(new FashionMnistItems(test, StratifiedSubset.Select(test.Labels, classes, options.TestPerClass, options.Seed)), TaskClasses);
        return ProbeSplit.HalvesPerClass(trainVal, testItems);
    }
}

/// <summary>Numbers of one training-section run that the README states.</summary>
sealed record TrainingFacts(DemoTrainingSection.Plan Plan, double PretrainTop1, double? FcOnlyTop1, double? FullTop1, double? EarlyFullTop1,
    double PretrainSeconds, double EvolutionSeconds, double FineTuneSeconds, double TotalSeconds);
