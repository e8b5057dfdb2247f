using Google.Protobuf;
using LayerProbe.Data;
using LayerProbe.Networks;

namespace LayerProbe.Training;

/// <summary>
/// What a training run is asked to do (<c>layerprobe train</c>, or a study): the network (an ONNX file, or
/// <c>caffenet-mini</c> built here for the data), the data specification, the solver, the trainer options and, for
/// fine-tuning, the mode (the recipe of <see cref="FineTuning.Prepare(OnnxNetwork, int, FineTuningMode, int, string?, bool, IEnumerable{string}?)"/>).
/// </summary>
public sealed record TrainingJobSettings
{
    /// <summary>The built-in network that is built for the data instead of loaded.</summary>
    public const string CaffeNetMini = "caffenet-mini";

    /// <summary>An ONNX file (or a built-in model name), or <see cref="CaffeNetMini"/>.</summary>
    public required string Model { get; init; }
    /// <summary>Training data specification (<see cref="DataSources.Training"/>).</summary>
    public required string Data { get; init; }
    /// <summary>How the data is opened besides its specification (windows, held-out items, preprocessing).</summary>
    public TrainingDataRequest DataRequest { get; init; } = new();
    /// <summary>The solver (max_iter included).</summary>
    public required SolverSettings Solver { get; init; }
    /// <summary>Batch, seed, augmentation, snapshots, output folder, log (the held-out source is filled in from the data).</summary>
    public required TrainerOptions Options { get; init; }
    /// <summary>Fine-tuning mode, or null to train the network as it is.</summary>
    public FineTuningMode? FineTune { get; init; }
    /// <summary>Nodes (or their output values) trained at lr 0 besides those the mode freezes.</summary>
    public IReadOnlyList<string> Freeze { get; init; } = [];
    /// <summary>A snapshot (or a training folder: its newest complete snapshot) to continue from, or null.</summary>
    public string? Resume { get; init; }
    /// <summary>caffenet-mini: divisor of CaffeNet's conv widths.</summary>
    public int WidthDivisor { get; init; } = 8;
    /// <summary>caffenet-mini: width of fc6 and fc7.</summary>
    public int FcWidth { get; init; } = 256;
    /// <summary>caffenet-mini: He (MSRA) initialisation instead of the paper's Gaussian fillers.</summary>
    public bool MsraInit { get; init; }
}

/// <summary>
/// The training use case: validates a <see cref="TrainingJobSettings"/>, opens the data from a <see cref="DataSources"/>
/// registry, builds or loads the network, prepares fine-tuning by the one recipe, says what is odd about the data
/// (classes without items) and runs the <see cref="Trainer"/> to its last snapshot.
/// </summary>
public static class TrainingJob
{
    /// <summary>Runs <paramref name="job"/>; notes and progress go to the options' log.</summary>
    public static TrainingLog Run(TrainingJobSettings job, DataSources? sources = null)
    {
        sources ??= DataSources.Default;
        var log = job.Options.Log ?? Console.Error;
        bool mini = job.Model.Equals(TrainingJobSettings.CaffeNetMini, StringComparison.OrdinalIgnoreCase);
        if (job.MsraInit && (!mini || job.Resume is not null))
            throw LayerProbeException.ForParameter("init", $"msra applies to {TrainingJobSettings.CaffeNetMini} built here (an ONNX file keeps its weights)");
        string? resume = job.Resume is { } r ? SnapshotSet.ForResume(r) : null;
        // image data and R-CNN windows are fed the way the network expects (caffenet-mini, built here, takes Caffe's warp)
        bool fed = sources.IsImageData(job.Data) || DataSources.IsWindowData(job.Data);
        var preprocessFor = fed && (resume is not null || !mini) ? OnnxNetwork.Load(resume ?? job.Model) : null;
        var (train, test) = sources.Training(job.Data, job.DataRequest with { Network = preprocessFor, Log = log });
        string? convention = preprocessFor is null ? null
            : PresetName(Preprocessing.Resolve(preprocessFor, job.DataRequest.Preprocessing ?? PreprocessingRequest.Automatic));
        WarnAboutEmptyClasses(train, log);
        var snapshots = job.Options.Snapshots.ToList();
        if (job.Solver.MaxIterations > 0 && !snapshots.Contains(job.Solver.MaxIterations)) snapshots.Add(job.Solver.MaxIterations);
        var options = job.Options with { TestSource = test, Snapshots = snapshots, Log = log };
        if (resume is not null)
        {
            log.WriteLine($"resuming from {resume}");
            var multipliers = job.FineTune is { } mode
                ? FineTuning.Multipliers(OnnxNetwork.Load(resume).Model, mode, options.Classifier, resume)
                : new LrMultipliers();
            multipliers.Freeze(job.Freeze);
            using var resumed = Trainer.Resume(resume, train, job.Solver, multipliers, options);
            return resumed.Run();
        }
        var (network, prepared, parent) = Start(job, train, options, convention);
        using var trainer = new Trainer(network, train, job.Solver, prepared, options with { ParentSha256 = parent });
        return trainer.Run();
    }

    static (OnnxNetwork Network, LrMultipliers Multipliers, string ParentSha256) Start(TrainingJobSettings job, ITrainingSource train,
        TrainerOptions options, string? convention)
    {
        OnnxNetwork network;
        if (job.Model.Equals(TrainingJobSettings.CaffeNetMini, StringComparison.OrdinalIgnoreCase))
        {
            var shape = options.Augmentation.OutputShape(train.ItemShape);
            var model = CaffeNet.Build(CaffeNetSpec.Mini(shape[1], shape[0], job.WidthDivisor, job.FcWidth, train.Classes, options.Seed));
            if (job.MsraInit) model = HeInit.Apply(model, options.Seed + 100);
            network = OnnxNetwork.FromBytes(model.ToByteArray(), TrainingJobSettings.CaffeNetMini);
        }
        else network = OnnxNetwork.Load(job.Model);
        string parent = network.Sha256; // the input file's hash, not that of the graph prepared from it
        if (job.FineTune is not { } mode) return (network, new LrMultipliers().Freeze(job.Freeze), parent);
        var (prepared, multipliers, appended) = FineTuning.Prepare(network, train.Classes, mode, options.Seed, options.Classifier,
            alsoFrozen: job.Freeze, inputConvention: convention);
        if (appended)
            options.Log?.WriteLine($"{network.Path}: no classifier in the graph; appended a {train.Classes}-way fully connected classifier on " +
                $"'{network.Model.Graph.Output[0].Name}' (Gaussian std 0.01, bias 0)");
        return (prepared, multipliers, parent);
    }

    /// <summary>The preset's name when <paramref name="convention"/> is a preset unchanged (what ONNX metadata can name), else null.</summary>
    static string? PresetName(InputConvention convention) =>
        InputConvention.Presets.TryGetValue(convention.Name, out var preset) && ReferenceEquals(preset, convention) ? convention.Name : null;

    /// <summary>Names the classes the training data has no items of (a 20-way fine-tune that only ever sees 5 classes).</summary>
    static void WarnAboutEmptyClasses(ITrainingSource train, TextWriter log)
    {
        if (train.ItemsPerClass is not { } counts) return;
        var empty = Enumerable.Range(0, counts.Count).Where(c => counts[c] == 0).ToList();
        if (empty.Count == 0) return;
        log.WriteLine($"warning: {train.Name}: {empty.Count} of {counts.Count} classes have no training items " +
                      $"({string.Join(", ", empty.Select(train.ClassName))}); the classifier still has {counts.Count} outputs and never sees them");
    }
}
