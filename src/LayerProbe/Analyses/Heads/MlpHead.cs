using LayerProbe.Probes;
using TorchSharp;
using static TorchSharp.torch;

namespace LayerProbe.Analyses.Heads;

/// <summary>Settings of <see cref="MlpHead"/>.</summary>
public sealed record MlpSettings(int Hidden = 256, int Epochs = 30, int BatchSize = 128, double LearningRate = 1e-3,
    double WeightDecay = 1e-4, int Seed = 1);

/// <summary>
/// A small two-layer network on stored features (METHOD.md E13 "2-layer nets"): per-dimension standardisation (train
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
        ["head"] = Name, ["mlp"] = Options, ["loss"] = "one-vs-rest logistic, label-0 items masked", ["optimizer"] = "Adam",
    };

    /// <inheritdoc/>
    public double[][] FitAndScore(IFeatureRows train, OneVsRestLabels trainLabels, IFeatureRows test)
    {
        int d = train.Dimensions, k = trainLabels.Classes;
        var (mean, invStd) = Standardisation(train);
        torch.manual_seed(Options.Seed);
        using var model = nn.Sequential(("hidden", nn.Linear(d, Options.Hidden)), ("relu", nn.ReLU()), ("out", nn.Linear(Options.Hidden, k)));
        using var optimizer = optim.Adam(model.parameters(), Options.LearningRate, weight_decay: Options.WeightDecay);
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
                var input = tensor(x.AsSpan(0, b * d).ToArray(), [b, d]);
                var logits = model.forward(input);
                var w = tensor(mask.AsSpan(0, b * k).ToArray(), [b, k]);
                var loss = nn.functional.binary_cross_entropy_with_logits(logits, tensor(target.AsSpan(0, b * k).ToArray(), [b, k]),
                    weight: w, reduction: nn.Reduction.Sum) / Math.Max(1, b);
                optimizer.zero_grad();
                loss.backward();
                optimizer.step();
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
