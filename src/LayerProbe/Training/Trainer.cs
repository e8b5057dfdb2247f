using System.Diagnostics;
using LayerProbe.Networks;
using LayerProbe.Networks.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace LayerProbe.Training;

/// <summary>
/// Trains a network given as ONNX, Caffe style: iterations (not epochs) as the unit, softmax cross-entropy on the
/// classifier (fc8), <see cref="CaffeSgd"/> with per-layer <see cref="LrMultipliers"/>, dropout active in train mode
/// only, random crop + mirror augmentation, held-out top-1 accuracy in eval mode, snapshots as ONNX + manifest +
/// solver state. A source that composes its own batches (<see cref="IBatchComposingSource"/>) replaces the sampler and
/// augmentation. All randomness derives from (seed, iteration) (<see cref="TrainingSeeds"/>), so
/// <see cref="Resume"/> from a snapshot reproduces the uninterrupted run bit for bit.
/// </summary>
public sealed class Trainer : IDisposable
{
    readonly ITrainingSource _source;
    readonly TrainerOptions _options;
    readonly CaffeSgd _sgd;
    readonly BatchSampler _sampler;
    readonly string _logits;
    readonly Queue<float> _recentLosses = new();
    readonly TextWriter _log;

    /// <summary>Validates the set-up (see <see cref="TrainingValidation"/>) and builds the trainable network.</summary>
    public Trainer(OnnxNetwork network, ITrainingSource source, SolverSettings solver, LrMultipliers multipliers, TrainerOptions options)
        : this(network, source, solver, multipliers, options, null) { }

    Trainer(OnnxNetwork network, ITrainingSource source, SolverSettings solver, LrMultipliers multipliers, TrainerOptions options, SolverState? state)
    {
        TrainingValidation.Check(network, source, solver, multipliers, options);
        TorchGlobalState.UseThreads(options.Threads);
        _source = source;
        _options = options;
        _log = options.Log ?? Console.Error;
        Solver = solver;
        NetworkFile = network;
        ParentSha256 = state?.ParentSha256 ?? options.ParentSha256 ?? network.Sha256;
        Network = new TorchNetwork(network);
        _logits = options.Logits is { } logits ? network.ResolveLayer(logits) : ClassifierLayer.Logits(network.Model);
        var groups = multipliers.Apply(network.Model, Network.Weights.Select(w => (w.Key, w.Value)));
        // Frozen blobs need no gradient: with conv layers frozen, backward stops at fc6. Frozen batch norms keep their statistics.
        foreach (var g in groups) g.Parameter.requires_grad = !g.Frozen;
        Network.FreezeStatistics(groups.Where(g => g.Frozen).Select(g => g.Name).ToHashSet());
        _sgd = new CaffeSgd(groups, solver);
        _sampler = new BatchSampler(source.Count, options.BatchSize, options.Seed);
        if (state is not null)
        {
            Iteration = state.Iteration;
            using var scope = NewDisposeScope();
            _sgd.RestoreHistory(state.History.ToDictionary(h => h.Name, h => tensor(h.Values, h.Shape)));
            foreach (var l in state.RecentLosses) _recentLosses.Enqueue(l);
        }
        Log = options.OutputDirectory is { } dir ? TrainingLog.ReadUpTo(Path.Combine(dir, "train_log.csv"), Iteration) : new TrainingLog();
    }

    /// <summary>
    /// Continues training from a snapshot written by this class: weights from the snapshot ONNX, momentum history and
    /// iteration from the solver state beside it. <paramref name="snapshot"/> is a complete <see cref="SnapshotSet"/>'s
    /// ONNX file or a folder (its newest complete set). Seed and batch size must match the snapshot's run.
    /// </summary>
    public static Trainer Resume(string snapshot, ITrainingSource source, SolverSettings solver, LrMultipliers multipliers, TrainerOptions options)
    {
        string snapshotOnnx = SnapshotSet.ForResume(snapshot);
        var state = SolverState.Read(SolverState.PathFor(snapshotOnnx));
        if (state.Seed != options.Seed || state.BatchSize != options.BatchSize)
            throw LayerProbeException.For(snapshotOnnx, $"the snapshot was trained with seed {state.Seed}, batch {state.BatchSize}; resuming with seed {options.Seed}, batch {options.BatchSize} would not continue that run");
        if (state.Iteration >= solver.MaxIterations)
            throw LayerProbeException.For(snapshotOnnx, $"the snapshot is at iteration {state.Iteration}, nothing left before max_iter {solver.MaxIterations}");
        return new Trainer(OnnxNetwork.Load(snapshotOnnx), source, solver, multipliers, options, state);
    }

    /// <summary>The trainable network.</summary>
    public TorchNetwork Network { get; }
    /// <summary>The ONNX network training started from (or resumed from).</summary>
    public OnnxNetwork NetworkFile { get; }
    /// <summary>SHA-256 of the network the whole run started from (kept across resumes).</summary>
    public string ParentSha256 { get; }
    /// <summary>Solver settings.</summary>
    public SolverSettings Solver { get; }
    /// <summary>Completed iterations.</summary>
    public int Iteration { get; private set; }
    /// <summary>The training log so far.</summary>
    public TrainingLog Log { get; }
    /// <summary>Mean of the last average_loss losses.</summary>
    public double SmoothedLoss => _recentLosses.Count == 0 ? double.NaN : _recentLosses.Average(l => (double)l);

    /// <summary>Trains until <paramref name="until"/> completed iterations (default max_iter), then writes the log and curves.</summary>
    public TrainingLog Run(int? until = null)
    {
        int end = Math.Min(until ?? Solver.MaxIterations, Solver.MaxIterations);
        var shape = _source.ItemShape;
        var cropped = _options.Augmentation.OutputShape(shape);
        int batch = _options.BatchSize;
        bool identity = _options.Augmentation is { CropSize: 0, Mirror: false }; // items go straight into the batch
        var raw = identity ? [] : new float[batch * shape[0] * shape[1] * shape[2]];
        var input = new float[batch * cropped[0] * cropped[1] * cropped[2]];
        var labels = new long[batch];
        var indices = new int[batch];
        long[] inputShape = [batch, cropped[0], cropped[1], cropped[2]];
        var snapshots = _options.Snapshots.ToHashSet();
        var clock = Stopwatch.StartNew();
        var progress = new Progress("train", end, _options.Log) { PlainIntervalSeconds = 10 };
        int startIteration = Iteration;
        Network.train();
        while (Iteration < end)
        {
            int it = Iteration;
            float loss;
            lock (TorchGlobalState.Lock)
            using (var scope = NewDisposeScope())
            {
                TorchGlobalState.UseThreads(_options.Threads);
                if (_source is IBatchComposingSource composing) composing.FillBatch(_options.Seed, it, input, labels);
                else if (identity) { _sampler.Batch(it, indices); _source.Fill(indices, input, labels); }
                else
                {
                    _sampler.Batch(it, indices);
                    _source.Fill(indices, raw, labels);
                    _options.Augmentation.Train(raw, input, batch, shape, TrainingSeeds.Random(_options.Seed, TrainingSeeds.Augmentation, it));
                }
                var x = tensor(input, inputShape);
                var y = tensor(labels);
                _sgd.ZeroGrad();
                Tensor scores;
                // Dropout draws from torch's process-wide generator: the whole iteration runs under TorchGlobalState.Lock,
                // so trainers or heads running concurrently in one process cannot consume these random numbers.
                torch.manual_seed(TrainingSeeds.Derive(_options.Seed, TrainingSeeds.Dropout, it));
                scores = Network.Forward(x, [_logits])[_logits].flatten(1);
                var l = nn.functional.cross_entropy(scores, y);
                loss = l.item<float>();
                // A non-finite loss means the run diverged: stop before the update, so the weights and every snapshot
                // written so far stay the last finite state.
                if (!float.IsFinite(loss)) throw Diverged(it + 1, loss);
                l.backward();
                _sgd.Step(it);
            }
            Iteration = it + 1;
            _recentLosses.Enqueue(loss);
            while (_recentLosses.Count > _options.AverageLoss) _recentLosses.Dequeue();
            progress.Report(Iteration);

            bool snapshot = snapshots.Contains(Iteration);
            bool test = _options.TestSource is not null &&
                ((_options.TestInterval > 0 && Iteration % _options.TestInterval == 0) || snapshot || Iteration == end);
            if (Iteration % _options.LogInterval == 0 || Iteration == end || test || snapshot)
            {
                double? accuracy = test ? Evaluate(_options.TestSource!, _options.TestItems) : null;
                var row = new TrainingLogRow(Iteration, Solver.LearningRate(it), loss, SmoothedLoss, accuracy, clock.Elapsed.TotalSeconds);
                Log.Add(row);
                _log.WriteLine($"train: iteration {Iteration}, lr {row.LearningRate:G4}, loss {loss:F4} (smoothed {row.SmoothedLoss:F4})" +
                    (accuracy is { } a ? $", held-out top-1 {a:P2}" : ""));
                if (snapshot && _options.OutputDirectory is not null) WriteSnapshot(row);
            }
        }
        if (_options.OutputDirectory is { } dir && Iteration > startIteration)
        {
            Log.WriteCsv(Path.Combine(dir, "train_log.csv"));
            Log.WritePlots(dir);
        }
        return Log;
    }

    /// <summary>
    /// The one-line refusal of a diverged run: the iteration whose loss was not finite, the last finite loss, and the
    /// hint to lower the rate. The log up to the last finite iteration is kept; no snapshot is written.
    /// </summary>
    LayerProbeException Diverged(int iteration, float loss)
    {
        if (_options.OutputDirectory is { } dir && Log.Rows.Count > 0) Log.WriteCsv(Path.Combine(dir, "train_log.csv"));
        string last = _recentLosses.Count > 0
            ? $"last finite loss {_recentLosses.Last():G5} at iteration {Iteration}"
            : "no finite loss before it";
        return LayerProbeException.For(_options.OutputDirectory ?? NetworkFile.Path,
            $"training diverged: the loss at iteration {iteration} is {(float.IsNaN(loss) ? "NaN" : loss > 0 ? "+infinity" : "-infinity")} ({last}); lower the learning rate (base_lr {Solver.BaseLr:G4})");
    }

    /// <summary>Top-1 accuracy on the first <paramref name="maxItems"/> items (0: all) of <paramref name="test"/>, eval mode, centre crop.</summary>
    public double Evaluate(ITrainingSource test, int maxItems = 0)
    {
        lock (TorchGlobalState.Lock)
        {
            TorchGlobalState.UseThreads(_options.Threads);
            return Accuracy(test, maxItems);
        }
    }

    double Accuracy(ITrainingSource test, int maxItems)
    {
        int count = maxItems > 0 ? Math.Min(maxItems, test.Count) : test.Count;
        var shape = test.ItemShape;
        var cropped = _options.Augmentation.OutputShape(shape);
        int batch = Math.Min(_options.TestBatchSize, count);
        var raw = new float[batch * shape[0] * shape[1] * shape[2]];
        var input = new float[batch * cropped[0] * cropped[1] * cropped[2]];
        var labels = new long[batch];
        var indices = new int[batch];
        long correct = 0;
        bool wasTraining = Network.training;
        Network.eval();
        using (no_grad())
            for (int start = 0; start < count; start += batch)
            {
                int n = Math.Min(batch, count - start);
                for (int i = 0; i < n; i++) indices[i] = start + i;
                test.Fill(indices.AsSpan(0, n), raw, labels);
                _options.Augmentation.Test(raw, input, n, shape);
                using var scope = NewDisposeScope();
                var x = tensor(input.AsSpan(0, n * cropped[0] * cropped[1] * cropped[2]).ToArray(), [n, cropped[0], cropped[1], cropped[2]]);
                var predicted = Network.Forward(x, [_logits])[_logits].flatten(1).argmax(1).data<long>().ToArray();
                for (int i = 0; i < n; i++) if (predicted[i] == labels[i]) correct++;
            }
        if (wasTraining) Network.train();
        return (double)correct / count;
    }

    /// <summary>Writes snapshot <c>{prefix}_iter_{N}</c> as one <see cref="SnapshotSet"/>: ONNX weights, solver state, manifest last.</summary>
    public string WriteSnapshot(TrainingLogRow row)
    {
        string dir = _options.OutputDirectory ?? throw new LayerProbeException("train: snapshots need an output directory");
        string stem = $"{_options.SnapshotPrefix}_iter_{Iteration}";
        string onnx = Path.Combine(dir, stem + ".onnx");
        var manifest = new Reports.Manifest
        {
            Task = "train-snapshot",
            Inputs = { ["parent_network"] = ParentSha256, ["training_data"] = $"{_source.Name} ({_source.Count} items)",
                ["test_data"] = _options.TestSource is { } t ? $"{t.Name} ({(_options.TestItems > 0 ? Math.Min(_options.TestItems, t.Count) : t.Count)} items)" : "none" },
            Settings =
            {
                ["iteration"] = Iteration, ["lr"] = row.LearningRate, ["base_lr"] = Solver.BaseLr, ["momentum"] = Solver.Momentum,
                ["weight_decay"] = Solver.WeightDecay, ["lr_policy"] = Solver.LrPolicy,
                ["max_iter"] = Solver.MaxIterations, ["batch_size"] = _options.BatchSize, ["seed"] = _options.Seed,
                ["crop_size"] = _options.Augmentation.CropSize, ["mirror"] = _options.Augmentation.Mirror,
                ["lr_mult"] = _sgd.Groups.ToDictionary(g => g.Name, g => g.LrMult), ["average_loss"] = _options.AverageLoss,
            },
            Measurements = { ["loss"] = row.Loss, ["smoothed_loss"] = row.SmoothedLoss, ["seconds"] = row.Seconds },
        };
        foreach (var (key, value) in Solver.PolicyParameters()) manifest.Settings[key] = value;
        if (row.TestAccuracy is { } accuracy) manifest.Measurements["held_out_top1"] = accuracy;
        SnapshotSet.Write(onnx, Network.WriteBackBytes(), State(), manifest);
        Log.WriteCsv(Path.Combine(dir, "train_log.csv"));
        return onnx;
    }

    /// <summary>The solver state at the current iteration.</summary>
    public SolverState State()
    {
        using var scope = NewDisposeScope();
        var history = _sgd.History().Select(h =>
        {
            var c = h.History.detach().contiguous();
            return (h.Name, c.shape, c.data<float>().ToArray());
        }).ToList();
        return new SolverState(Iteration, _options.Seed, _options.BatchSize, ParentSha256, _recentLosses.ToArray(), history);
    }

    /// <summary>Frees the network and the momentum history.</summary>
    public void Dispose()
    {
        _sgd.Dispose();
        Network.Dispose();
    }
}
