using LayerProbe.Probes;
using TorchSharp;
using static TorchSharp.torch;

namespace LayerProbe.Analyses.Heads;

/// <summary>Settings of <see cref="MlpHead"/>.</summary>
/// <param name="Hidden">Units of the hidden (ReLU) layer.</param>
/// <param name="Epochs">Passes over the training rows.</param>
/// <param name="BatchSize">Rows per Adam step.</param>
/// <param name="LearningRate">Adam's step size.</param>
/// <param name="WeightDecay">L2 penalty on the weights.</param>
/// <param name="Seed">Seed of initialisation and shuffling.</param>
/// <param name="Threads">libtorch intra-op threads while training (restored afterwards); 1 by default because the
/// products are small and libgomp's spinning threads slowed training up to 10× on the shared 2-core machine.</param>
public sealed record MlpSettings(int Hidden = 256, int Epochs = 30, int BatchSize = 128, double LearningRate = 1e-3,
    double WeightDecay = 1e-4, int Seed = 1, int Threads = 1);

/// <summary>
/// A small two-layer network on stored features (docs/method.md §4 E13 "2-layer nets"): per-dimension standardisation (train
/// mean/std) → Linear(d, hidden) → ReLU → Linear(hidden, classes), trained with Adam on the one-vs-rest logistic loss
/// (items labelled 0 for a class are masked out of that class's loss, as in the SVM probes), seeded (weights and
/// batch order) and trained on CPU with TorchSharp. Rows are read batch by batch; the feature matrix is never copied.
/// </summary>
public sealed class MlpHead(MlpSettings? settings = null) : IProbeHead
{
    /// <summary>Training settings.</summary>
    public MlpSettings Options { get; } = settings ?? new MlpSettings();
    /// <inheritdoc/>
    public string Name => $"mlp-{Options.Hidden}";
    /// <inheritdoc/>
    public IReadOnlyDictionary<string, object?> Settings => new Dictionary<string, object?>
    {
        ["head"] = Name, ["mlp"] = Options, ["loss"] = "one-vs-rest logistic, label-0 items masked", ["optimizer"] = "Adam (β 0.9/0.999, ε 1e-8, L2 decay in the gradient)",
    };

    /// <inheritdoc/>
    public double[][] FitAndScore(IFeatureRows train, OneVsRestLabels trainLabels, IFeatureRows test)
    {
        // Seeded initialisation and a fixed thread count: hold torch's global state against concurrent trainers.
        lock (TorchGlobalState.Lock)
            return TorchGlobalState.WithThreads(Options.Threads, () => Fit(train, trainLabels, test));
    }

    double[][] Fit(IFeatureRows train, OneVsRestLabels trainLabels, IFeatureRows test)
    {
        int d = train.Dimensions, k = trainLabels.Classes;
        var (mean, invStd) = Standardisation(train);
        torch.manual_seed(Options.Seed);
        using var model = nn.Sequential(("hidden", nn.Linear(d, Options.Hidden)), ("relu", nn.ReLU()), ("out", nn.Linear(Options.Hidden, k)));
        using var adam = new AdamState(model.parameters().ToArray(), Options);
        var order = Enumerable.Range(0, train.Count).ToArray();
        var rng = new Random(Options.Seed);
        var x = new float[Options.BatchSize * d];
        var target = new float[Options.BatchSize * k];
        var mask = new float[Options.BatchSize * k];
        model.train();
        for (int epoch = 0; epoch < Options.Epochs; epoch++)
        {
            rng.Shuffle(order);
            for (int start = 0; start < order.Length; start += Options.BatchSize)
            {
                int b = Math.Min(Options.BatchSize, order.Length - start);
                for (int r = 0; r < b; r++)
                {
                    int item = order[start + r];
                    Standardise(train.Row(item), mean, invStd, x.AsSpan(r * d, d));
                    for (int c = 0; c < k; c++)
                    {
                        sbyte label = trainLabels.Of(c)[item];
                        target[r * k + c] = label > 0 ? 1 : 0;
                        mask[r * k + c] = label == 0 ? 0 : 1;
                    }
                }
                using var scope = NewDisposeScope();
                using var perItem = (1.0 / b).ToScalar();
                var input = tensor(x.AsSpan(0, b * d).ToArray(), [b, d]);
                var logits = model.forward(input);
                var w = tensor(mask.AsSpan(0, b * k).ToArray(), [b, k]);
                var loss = nn.functional.binary_cross_entropy_with_logits(logits, tensor(target.AsSpan(0, b * k).ToArray(), [b, k]),
                    weight: w, reduction: nn.Reduction.Sum).mul(perItem);
                model.zero_grad();
                loss.backward();
                adam.Step();
            }
        }
        model.eval();
        var scores = Enumerable.Range(0, k).Select(_ => new double[test.Count]).ToArray();
        using (no_grad())
            for (int start = 0; start < test.Count; start += Options.BatchSize)
            {
                int b = Math.Min(Options.BatchSize, test.Count - start);
                for (int r = 0; r < b; r++) Standardise(test.Row(start + r), mean, invStd, x.AsSpan(r * d, d));
                using var scope = NewDisposeScope();
                var logits = model.forward(tensor(x.AsSpan(0, b * d).ToArray(), [b, d])).data<float>().ToArray();
                for (int r = 0; r < b; r++) for (int c = 0; c < k; c++) scores[c][start + r] = logits[r * k + c];
            }
        return scores;
    }

    /// <summary>
    /// Adam (Kingma &amp; Ba 2015) with L2 weight decay added to the gradient, as torch.optim.Adam. Written out because
    /// every scalar of an update must stay referenced until its native call returns: TorchSharp's optimizer passes
    /// temporary Scalars whose finaliser can run mid-call in Release builds under GC pressure, which failed
    /// intermittently here (c10 "toFloat: Expected false to be true" in addcdiv_).
    /// </summary>
    sealed class AdamState(TorchSharp.Modules.Parameter[] parameters, MlpSettings settings) : IDisposable
    {
        const double Beta1 = 0.9, Beta2 = 0.999, Epsilon = 1e-8;
        readonly Tensor[] _m = parameters.Select(p => zeros_like(p).DetachFromDisposeScope()).ToArray();
        readonly Tensor[] _v = parameters.Select(p => zeros_like(p).DetachFromDisposeScope()).ToArray();
        readonly Scalar _beta1 = Beta1.ToScalar(), _oneMinusBeta1 = (1 - Beta1).ToScalar();
        readonly Scalar _beta2 = Beta2.ToScalar(), _oneMinusBeta2 = (1 - Beta2).ToScalar();
        readonly Scalar _epsilon = Epsilon.ToScalar(), _decay = settings.WeightDecay.ToScalar();
        int _step;

        public void Step()
        {
            _step++;
            double correction1 = 1 - Math.Pow(Beta1, _step), correction2 = 1 - Math.Pow(Beta2, _step);
            using var stepSize = (-settings.LearningRate / correction1).ToScalar();
            using var rootCorrection2 = Math.Sqrt(correction2).ToScalar();
            using var guard = no_grad();
            using var scope = NewDisposeScope();
            for (int i = 0; i < parameters.Length; i++)
            {
                var p = parameters[i];
                if (p.grad is not { } g) continue;
                var grad = settings.WeightDecay > 0 ? g.add(p, _decay) : g;
                _m[i].mul_(_beta1).add_(grad, _oneMinusBeta1);
                _v[i].mul_(_beta2).addcmul_(grad, grad, _oneMinusBeta2);
                var denominator = _v[i].sqrt().div_(rootCorrection2).add_(_epsilon);
                p.addcdiv_(_m[i], denominator, stepSize);
            }
            GC.KeepAlive(this);
        }

        public void Dispose()
        {
            foreach (var t in _m.Concat(_v)) t.Dispose();
            foreach (var s in new[] { _beta1, _oneMinusBeta1, _beta2, _oneMinusBeta2, _epsilon, _decay }) s.Dispose();
        }
    }

    static (float[] Mean, float[] InvStd) Standardisation(IFeatureRows rows)
    {
        int d = rows.Dimensions;
        var sum = new double[d];
        var sq = new double[d];
        for (int i = 0; i < rows.Count; i++)
        {
            var r = rows.Row(i);
            for (int j = 0; j < d; j++) { sum[j] += r[j]; sq[j] += (double)r[j] * r[j]; }
        }
        var mean = new float[d];
        var inv = new float[d];
        for (int j = 0; j < d; j++)
        {
            double m = sum[j] / rows.Count, v = sq[j] / rows.Count - m * m;
            mean[j] = (float)m;
            inv[j] = v > 1e-12 ? (float)(1 / Math.Sqrt(v)) : 0; // constant dimensions carry nothing
        }
        return (mean, inv);
    }

    static void Standardise(ReadOnlySpan<float> row, float[] mean, float[] invStd, Span<float> into)
    {
        System.Numerics.Tensors.TensorPrimitives.Subtract(row, mean, into);
        System.Numerics.Tensors.TensorPrimitives.Multiply(into, invStd, into);
    }
}
